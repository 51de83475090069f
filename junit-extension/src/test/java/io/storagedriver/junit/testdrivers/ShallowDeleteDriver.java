package io.storagedriver.junit.testdrivers;

import io.storagedriver.StorageDriver;
import io.storagedriver.StoragePaths;

/**
 * A faulty driver whose delete is not recursive: deleting a directory removes only the files
 * directly inside it and leaves its subdirectories.
 */
public final class ShallowDeleteDriver extends ForwardingDriver {

    ShallowDeleteDriver(StorageDriver delegate) {
        super(delegate);
    }

    public static void main(String[] args) {
        TestDrivers.serve("shallow-delete", ShallowDeleteDriver::new);
    }

    @Override
    public void delete(String path) {
        StoragePaths.requireValidNonRoot(name(), path);
        if (!delegate.stat(path).isDirectory()) {
            delegate.delete(path);
            return;
        }
        for (String child : delegate.list(path)) {
            if (!delegate.stat(child).isDirectory()) {
                delegate.delete(child);
            }
        }
    }
}
