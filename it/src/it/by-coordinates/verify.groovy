def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains("Running the compatibility suite against the driver (driver name 'inmemory')")
assert log =~ /(?m)^\[INFO\] Tests run: [1-9]\d*, Failures: 0, Errors: 0, Skipped: \d+$/
// Without a POM the reports go below the folder that Maven ran in.
def reports = new File(basedir, 'target/storagedriver-reports')
assert reports.listFiles().any { it.name.startsWith('TEST-') }
