package io.storagedriver.junit.testdrivers;

import io.storagedriver.FileInfo;
import io.storagedriver.FileWriter;
import io.storagedriver.StorageDriver;
import io.storagedriver.WalkVisitor;
import java.io.InputStream;
import java.util.List;

/** Passes every call to another driver; subclasses override the calls they change. */
class ForwardingDriver implements StorageDriver {
    final StorageDriver delegate;

    ForwardingDriver(StorageDriver delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String apiVersion() {
        return delegate.apiVersion();
    }

    @Override
    public byte[] getContent(String path) {
        return delegate.getContent(path);
    }

    @Override
    public void putContent(String path, byte[] content) {
        delegate.putContent(path, content);
    }

    @Override
    public InputStream reader(String path, long offset) {
        return delegate.reader(path, offset);
    }

    @Override
    public long writeStream(String path, long offset, InputStream content) {
        return delegate.writeStream(path, offset, content);
    }

    @Override
    public List<String> list(String path) {
        return delegate.list(path);
    }

    @Override
    public void move(String source, String destination) {
        delegate.move(source, destination);
    }

    @Override
    public void delete(String path) {
        delegate.delete(path);
    }

    @Override
    public FileInfo stat(String path) {
        return delegate.stat(path);
    }

    @Override
    public FileWriter writer(String path, boolean append) {
        return delegate.writer(path, append);
    }

    @Override
    public void walk(String path, WalkVisitor visitor) {
        delegate.walk(path, visitor);
    }

    @Override
    public String redirectUrl(String path) {
        return delegate.redirectUrl(path);
    }
}
