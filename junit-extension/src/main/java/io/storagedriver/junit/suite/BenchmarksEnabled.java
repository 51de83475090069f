package io.storagedriver.junit.suite;

import io.storagedriver.junit.StorageDriverConfiguration;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Disables the benchmark checks unless {@link StorageDriverConfiguration#BENCHMARKS} is true. */
final class BenchmarksEnabled implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (SuiteSettings.read(context).benchmarks()) {
            return ConditionEvaluationResult.enabled(
                    StorageDriverConfiguration.BENCHMARKS + " is true");
        }
        return ConditionEvaluationResult.disabled("benchmarks are off; set the configuration "
                + "parameter or system property " + StorageDriverConfiguration.BENCHMARKS
                + "=true to run them");
    }
}
