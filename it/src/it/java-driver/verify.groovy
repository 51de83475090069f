// The suite passed against the project's own driver, and every report parses as XML.
import javax.xml.parsers.DocumentBuilderFactory

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('Running the compatibility suite against the driver (main class'
        + ' com.example.mapdriver.MapDriver)')
assert log =~ /(?m)^\[INFO\] Tests run: [1-9]\d*, Failures: 0, Errors: 0, Skipped: \d+$/

def reports = new File(basedir, 'target/storagedriver-reports')
def xmlFiles = reports.listFiles().findAll {
    it.name.startsWith('TEST-') && it.name.endsWith('.xml')
}
assert !xmlFiles.isEmpty() : "no TEST-*.xml in ${reports}"
def factory = DocumentBuilderFactory.newInstance()
int tests = 0
xmlFiles.each { file ->
    def suite = factory.newDocumentBuilder().parse(file).documentElement
    assert suite.tagName == 'testsuite'
    assert suite.getAttribute('failures') == '0' : "failures in ${file.name}"
    assert suite.getAttribute('errors') == '0' : "errors in ${file.name}"
    tests += suite.getAttribute('tests') as int
}
assert tests > 0

// slf4j-simple on the project's runtime classpath sends the driver SDK's log to standard error.
assert new File(reports, 'driver.log').text.contains('handshake')
