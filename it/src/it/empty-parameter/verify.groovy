def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains("Driver parameter 'token' is empty.")
assert log.contains('env:NAME or sys:NAME')
assert log.contains('${env:NAME} or ${sys:NAME}')
assert !log.contains('it-secret-3a9e51c07d2b')
assert !log.contains('Tests run:')

// The goal failed on its configuration, so no report of the earlier run may look current.
def reports = new File(basedir, 'target/storagedriver-reports')
assert !new File(reports, 'TEST-io.storagedriver.junit.suite.ContentChecks.xml').exists()
assert !new File(reports, 'driver.log').exists()
assert new File(reports, 'notes.txt').exists()
