// Reports as an earlier run would have left them, and a file of the user's own.
def reports = new File(basedir, 'target/storagedriver-reports')
assert reports.mkdirs()
new File(reports, 'TEST-io.storagedriver.junit.suite.ContentChecks.xml').text = '<testsuite/>'
new File(reports, 'driver.log').text = '# an earlier run\n'
new File(reports, 'notes.txt').text = 'kept\n'
// The invoker takes any result other than true or nothing as a failure of this script.
return true
