// The build failed because checks failed, and the log names them by id.
import javax.xml.parsers.DocumentBuilderFactory

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log =~ /(?m)^\[ERROR\] Tests run: \d+, Failures: \d+, Errors: \d+, Skipped: \d+$/

// Each failed check is listed with its id and the first line of its cause.
def listed = (log =~ /(?m)^\[ERROR\]   ([a-z][a-z0-9_-]*\.[a-z0-9._-]+): \S/).collect { it[1] }
assert !listed.isEmpty() : 'no failed check ids in the log'
def failedLine = log.readLines().find { it.contains('storage driver checks failed: ') }
assert failedLine != null
listed.each { id -> assert failedLine.contains(id) : "${id} missing from: ${failedLine}" }
assert log.contains('Rerun one failed check: mvn storagedriver:verify@compatibility'
        + ' -Dstoragedriver.check=' + listed[0])

// getContent drops a byte and list drops a child, so checks of both groups fail.
assert listed.any { it.startsWith('content.') } : listed
assert listed.any { it.startsWith('list.') } : listed

def reports = new File(basedir, 'target/storagedriver-reports')
int failed = 0
reports.listFiles().findAll { it.name.startsWith('TEST-') }.each { file ->
    def builder = DocumentBuilderFactory.newInstance().newDocumentBuilder()
    def suite = builder.parse(file).documentElement
    failed += (suite.getAttribute('failures') as int) + (suite.getAttribute('errors') as int)
}
assert failed == listed.size()
