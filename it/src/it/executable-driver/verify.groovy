def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log =~ (/Running the compatibility suite against the driver \(executable/
        + / \S*registry-storagedriver-scripted/)
assert log =~ /(?m)^\[INFO\] Tests run: [1-9]\d*, Failures: 0, Errors: 0, Skipped: \d+$/
def reports = new File(basedir, 'target/storagedriver-reports')
assert reports.listFiles().any { it.name.startsWith('TEST-') }
