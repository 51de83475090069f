def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains("Running the compatibility suite against the driver (driver name 'filesystem')")
assert log =~ /(?m)^\[INFO\] Tests run: [1-9]\d*, Failures: 0, Errors: 0, Skipped: \d+$/
def reports = new File(basedir, 'target/storagedriver-reports')
assert reports.listFiles().count { it.name.startsWith('TEST-') } > 1

// driver.log holds the whole log of both drivers: the one that checks the configuration and the
// one that the suite shares.
def driverLog = new File(reports, 'driver.log').readLines()
assert driverLog[0] == "# starting the driver (driver name 'filesystem') to check its configuration"
def suiteStart = driverLog.findIndexOf {
    it == '# starting the storage driver (name = "filesystem") from the configuration parameter' +
            ' storagedriver.name'
}
assert suiteStart > 0 : driverLog
def suiteStop = /# the storage driver \(name = "filesystem"\), pid \d+, stopped/
assert driverLog.count { it ==~ suiteStop } == 1 : driverLog
assert driverLog.count { it.startsWith('[stderr] ') } >= 2 : driverLog

// The bundled driver logs through its own SLF4J provider, although Maven gives the plugin its
// own slf4j-api 1.7, so SLF4J prints no warning and the driver's log reaches the host.
assert !driverLog.any { it.contains('SLF4J') } : driverLog
assert !log.readLines().any { it.contains('[filesystem] SLF4J') } : 'build.log has SLF4J warnings'
assert driverLog.count {
    it == '[stderr] INFO io.storagedriver.sdk.Handshake - driver configured name=filesystem ' +
            'parameters=[rootdirectory]'
} == 2 : driverLog
