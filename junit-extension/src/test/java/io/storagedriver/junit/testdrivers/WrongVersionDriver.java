package io.storagedriver.junit.testdrivers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.internal.wire.Messages;
import io.storagedriver.internal.yamux.YamuxConfig;
import io.storagedriver.internal.yamux.YamuxSession;
import io.storagedriver.internal.yamux.YamuxStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;

/**
 * A driver that announces storage API version {@value #API_VERSION} in its handshake, which a
 * 1.x host rejects. It speaks just enough of the protocol for that: the yamux session and the
 * first message on the first stream.
 */
public final class WrongVersionDriver {
    /** The storage API version announced. */
    public static final String API_VERSION = "2.0";

    private WrongVersionDriver() {}

    public static void main(String[] args) throws IOException {
        Channel inherited = System.inheritedChannel();
        if (!(inherited instanceof SocketChannel socket)) {
            System.err.println("wrong-version driver: no socket on fd 0");
            System.exit(2);
            return;
        }
        YamuxSession session = YamuxSession.server(
                socket, YamuxConfig.defaults().withName("wrong-version"));
        YamuxStream stream = session.acceptStream();
        if (stream != null) {
            Messages.readRequired(stream.inputStream(), "Handshake request");
            ObjectNode response = Messages.object();
            response.put("ok", true);
            response.put("protocolVersion", "1.0");
            response.put("apiVersion", API_VERSION);
            response.put("name", "wrong-version");
            response.putArray("operations").add("GetContent");
            Messages.write(stream.outputStream(), response);
            // The host then sends a rejecting Configure and ends the session.
            stream.inputStream().transferTo(OutputStream.nullOutputStream());
        }
        session.close();
        System.exit(0);
    }
}
