package io.storagedriver.sdk;

import io.storagedriver.FileInfo;
import io.storagedriver.FileWriter;
import io.storagedriver.StorageDriver;
import io.storagedriver.WalkVisitor;
import io.storagedriver.drivers.InMemoryDriver;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory driver whose methods a test overrides to inject behaviour, and which counts the
 * calls that reach it.
 */
class ScriptedDriver implements StorageDriver {
    final InMemoryDriver store = new InMemoryDriver();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public String apiVersion() {
        return store.apiVersion();
    }

    @Override
    public byte[] getContent(String path) {
        calls.incrementAndGet();
        return store.getContent(path);
    }

    @Override
    public void putContent(String path, byte[] content) {
        calls.incrementAndGet();
        store.putContent(path, content);
    }

    @Override
    public InputStream reader(String path, long offset) {
        calls.incrementAndGet();
        return store.reader(path, offset);
    }

    @Override
    public long writeStream(String path, long offset, InputStream content) {
        calls.incrementAndGet();
        return store.writeStream(path, offset, content);
    }

    @Override
    public List<String> list(String path) {
        calls.incrementAndGet();
        return store.list(path);
    }

    @Override
    public void move(String source, String destination) {
        calls.incrementAndGet();
        store.move(source, destination);
    }

    @Override
    public void delete(String path) {
        calls.incrementAndGet();
        store.delete(path);
    }

    @Override
    public FileInfo stat(String path) {
        calls.incrementAndGet();
        return store.stat(path);
    }

    @Override
    public FileWriter writer(String path, boolean append) {
        calls.incrementAndGet();
        return store.writer(path, append);
    }

    @Override
    public void walk(String path, WalkVisitor visitor) {
        calls.incrementAndGet();
        store.walk(path, visitor);
    }

    @Override
    public String redirectUrl(String path) {
        calls.incrementAndGet();
        return store.redirectUrl(path);
    }
}
