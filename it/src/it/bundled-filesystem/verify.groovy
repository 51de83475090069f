def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains("Running the compatibility suite against driver name 'filesystem'")
assert log =~ /(?m)^\[INFO\] Tests run: [1-9]\d*, Failures: 0, Errors: 0, Skipped: \d+$/
def reports = new File(basedir, 'target/storagedriver-reports')
assert reports.listFiles().count { it.name.startsWith('TEST-') } > 1
