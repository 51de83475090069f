def secret = 'it-secret-6f1d0c9b27e4'
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('[DEBUG]') : 'the build did not run with -X'
assert log =~ /(?m)^\[INFO\] Tests run: [1-9]\d*, Failures: 0, Errors: 0, Skipped: \d+$/

// The storagedriver goal is the only plugin that ran, so the check below covers the whole log.
// Maven 3.8 names the plugin by artifact id in the line that starts a goal, and 3.9 by prefix.
def plugins = (log =~ /(?m)^\[INFO\] --- (\S+):\S+:\S+ /).collect { it[1] }.unique()
assert plugins.size() == 1 : "plugins that ran: ${plugins}"
assert plugins[0] in ['storagedriver-maven-plugin', 'storagedriver'] : "plugins: ${plugins}"

// Maven shows the references of the goal's configuration, and the value appears nowhere.
assert log.contains('token=env:SD_IT_TOKEN')
assert !log.contains(secret) : 'the secret is in build.log'

// The root folder came from an env: reference too, so references reach the driver.
assert new File(basedir, 'target/root-from-environment').isDirectory()

new File(basedir, 'target/storagedriver-reports').eachFile { file ->
    assert !file.text.contains(secret) : "secret in ${file.name}"
}
