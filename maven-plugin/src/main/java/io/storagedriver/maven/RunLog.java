package io.storagedriver.maven;

/** The destination of the runner's progress and summary lines, such as the Maven build log. */
interface RunLog {
    void info(String line);

    void warn(String line);

    void error(String line);
}
