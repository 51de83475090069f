package io.storagedriver.maven;

import java.util.List;
import java.util.Optional;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * Selects checks by the id at the start of their display name: a check runs when it matches one
 * of the include globs (or there are none) and none of the exclude globs. Classes and other
 * descriptors without an id pass, and the launcher prunes the classes left without checks.
 */
final class CheckIdFilter implements PostDiscoveryFilter {
    private final List<String> includes;
    private final List<String> excludes;

    CheckIdFilter(List<String> includes, List<String> excludes) {
        this.includes = List.copyOf(includes);
        this.excludes = List.copyOf(excludes);
    }

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        Optional<String> id = CheckIds.fromDisplayName(descriptor.getDisplayName());
        if (id.isEmpty()) {
            return FilterResult.included("has no check id");
        }
        if (!includes.isEmpty() && !CheckIds.matchesAny(includes, id.get())) {
            return FilterResult.excluded("check id " + id.get() + " matches no include");
        }
        if (CheckIds.matchesAny(excludes, id.get())) {
            return FilterResult.excluded("check id " + id.get() + " matches an exclude");
        }
        return FilterResult.included("check id " + id.get() + " is selected");
    }
}
