package io.storagedriver.junit.testdrivers;

import io.storagedriver.StorageDriver;
import java.util.ArrayList;
import java.util.List;

/** A faulty driver whose list returns the grandchildren of a directory along with its children. */
public final class GrandchildListingDriver extends ForwardingDriver {

    GrandchildListingDriver(StorageDriver delegate) {
        super(delegate);
    }

    public static void main(String[] args) {
        TestDrivers.serve("grandchild-listing", GrandchildListingDriver::new);
    }

    @Override
    public List<String> list(String path) {
        List<String> entries = new ArrayList<>();
        for (String child : delegate.list(path)) {
            entries.add(child);
            if (delegate.stat(child).isDirectory()) {
                entries.addAll(delegate.list(child));
            }
        }
        return entries;
    }
}
