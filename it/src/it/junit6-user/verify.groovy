// Surefire ran every test on the JUnit version of this build, and all of them passed.
import javax.xml.parsers.DocumentBuilderFactory

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')

// Surefire may count the tests of a class with @Nested classes under the nested class, so the
// test cases of all reports are read together.
def reports = new File(basedir, 'target/surefire-reports')
def factory = DocumentBuilderFactory.newInstance()
def passed = [] as Set
reports.listFiles().findAll { it.name.startsWith('TEST-') && it.name.endsWith('.xml') }.each {
    def cases = factory.newDocumentBuilder().parse(it).documentElement
            .getElementsByTagName('testcase')
    for (int i = 0; i < cases.length; i++) {
        def testcase = cases.item(i)
        ['failure', 'error', 'skipped'].each { outcome ->
            assert testcase.getElementsByTagName(outcome).length == 0 :
                    "${testcase.getAttribute('name')} in ${it.name}: ${outcome}"
        }
        def method = testcase.getAttribute('name').replaceFirst(/\(.*/, '')
        passed << testcase.getAttribute('classname').replaceFirst(/.*\./, '') + '.' + method
    }
}
def expected = ['JUnitVersionTest.jupiterApiHasExpectedVersion',
        'JUnitVersionTest.jupiterEngineHasExpectedVersion',
        'JUnitVersionTest.platformEngineMatchesJupiter',
        'BlobStoreTest.putThenGet', 'BlobStoreTest.readsSeededBlob',
        'BlobStoreTest.copiesToFilesystemDriver', 'BlobStoreTest$WhenNested.usesEnclosingDriver',
        'PerMethodDriverTest.writesToOwnDriver', 'PerMethodDriverTest.getsFreshDriver']
expected.each { assert it in passed : "${it} did not pass; passed: ${passed}" }
assert passed.count { it.startsWith('SuiteChecksTest$Content.') } > 5 : passed
assert passed.count { it.startsWith('SuiteChecksTest$Deletes.') } > 2 : passed
