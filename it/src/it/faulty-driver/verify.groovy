// The build failed because checks failed, and the log names them by id.
import javax.xml.parsers.DocumentBuilderFactory

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log =~ /(?m)^\[ERROR\] Tests run: \d+, Failures: \d+, Errors: \d+, Skipped: \d+$/

// Each failed check is listed once, with its id and the first line of its cause.
def listed = (log =~ /(?m)^\[ERROR\]   ([a-z][a-z0-9_-]*\.[a-z0-9._-]+): \S/).collect { it[1] }
assert !listed.isEmpty() : 'no failed check ids in the log'
assert listed.size() == listed.unique(false).size() : "listed more than once: ${listed}"
def failedLine = log.readLines().find { it.contains('storage driver checks failed: ') }
assert failedLine != null
listed.each { id ->
    assert failedLine.count(id + ',') + failedLine.count(id + ' (') == 1 :
            "${id} not listed once in: ${failedLine}"
}
assert log.contains('Rerun one failed check: mvn storagedriver:verify@compatibility'
        + ' -Dstoragedriver.check=' + listed[0])

// getContent drops a byte and list drops a child, so checks of both groups fail.
assert listed.any { it.startsWith('content.') } : listed
assert listed.any { it.startsWith('list.') } : listed

// The reports hold one test case per failed test, and a check may have several tests.
def reports = new File(basedir, 'target/storagedriver-reports')
def failedIds = [] as Set
reports.listFiles().findAll { it.name.startsWith('TEST-') }.each { file ->
    def builder = DocumentBuilderFactory.newInstance().newDocumentBuilder()
    def cases = builder.parse(file).documentElement.getElementsByTagName('testcase')
    for (int i = 0; i < cases.length; i++) {
        def testCase = cases.item(i)
        def failures = testCase.getElementsByTagName('failure').length
                + testCase.getElementsByTagName('error').length
        if (failures > 0) {
            failedIds << testCase.getAttribute('name').takeWhile { it != ':' }
        }
    }
}
assert failedIds == listed as Set
