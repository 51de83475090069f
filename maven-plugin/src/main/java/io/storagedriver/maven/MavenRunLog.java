package io.storagedriver.maven;

import org.apache.maven.plugin.logging.Log;

/** Writes the runner's lines to the Maven build log. */
final class MavenRunLog implements RunLog {
    private final Log log;

    MavenRunLog(Log log) {
        this.log = log;
    }

    @Override
    public void info(String line) {
        log.info(line);
    }

    @Override
    public void warn(String line) {
        log.warn(line);
    }

    @Override
    public void error(String line) {
        log.error(line);
    }
}
