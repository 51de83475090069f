// Command yamuxpeer is the Go side of GoYamuxInteropTest. It runs HashiCorp's yamux library
// on a socket that it inherits on fd 3, so that the Java yamux implementation can be tested
// against the reference implementation.
//
// Usage:
//
//	yamuxpeer server
//	yamuxpeer client STREAMS BYTES
//
// In server mode the program accepts streams and echoes each one: it reads the stream until
// EOF, sends a ping, writes all bytes back and then closes the stream. It exits with status 0
// when the socket reaches EOF and with status 1 when the session ends with any other error.
//
// In client mode the program opens STREAMS concurrent streams and sends BYTES pseudo-random
// bytes on each. The peer must echo every byte as it arrives, because the program reads the
// whole echo before it closes its side of the stream. When every stream has ended it sends
// GoAway and waits for the peer to close the socket. It exits with status 0 only if every echo
// matched.
//
// Invalid arguments, or an fd 3 that is not a socket, end the program with status 2.
//
// In both modes the program also sends one ping right after the session starts. It writes one
// line per ping, stream and session outcome to standard output. Keep-alive pings stay at the
// library's default interval of 30 seconds, because a ping that races with the peer's close of
// the socket ends the session with a write error instead of EOF. yamux writes its own log
// lines, which start with "[ERR]" or "[WARN]", to standard error.
package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/yamux"
)

// streamEndTimeout bounds the wait in client mode for the peer to finish every stream and,
// after GoAway, to close the socket.
const streamEndTimeout = 30 * time.Second

var outputLock sync.Mutex

// report writes one outcome line to standard output.
func report(format string, args ...interface{}) {
	outputLock.Lock()
	defer outputLock.Unlock()
	fmt.Printf(format+"\n", args...)
}

func main() {
	config := yamux.DefaultConfig()

	conn, err := net.FileConn(os.NewFile(3, "socket"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "yamuxpeer: fd 3 is not a usable socket: %v\n", err)
		os.Exit(2)
	}

	args := os.Args[1:]
	switch {
	case len(args) == 1 && args[0] == "server":
		os.Exit(runServer(conn, config))
	case len(args) == 3 && args[0] == "client":
		streams, streamsErr := strconv.Atoi(args[1])
		size, sizeErr := strconv.Atoi(args[2])
		if streamsErr != nil || sizeErr != nil || streams < 1 || size < 0 {
			fmt.Fprintf(os.Stderr, "yamuxpeer: invalid client arguments %q: "+
				"expected STREAMS >= 1 and BYTES >= 0\n", args[1:])
			os.Exit(2)
		}
		os.Exit(runClient(conn, config, streams, size))
	default:
		fmt.Fprintf(os.Stderr, "usage: yamuxpeer server\n"+
			"       yamuxpeer client STREAMS BYTES\n")
		os.Exit(2)
	}
}

// runServer accepts and echoes streams until the session ends, and returns the exit status.
func runServer(conn net.Conn, config *yamux.Config) int {
	session, err := yamux.Server(conn, config)
	if err != nil {
		fmt.Fprintf(os.Stderr, "yamuxpeer: invalid yamux configuration: %v\n", err)
		return 2
	}

	go ping(session)

	var echoes sync.WaitGroup
	for {
		stream, err := session.AcceptStream()
		if err != nil {
			// Closing the session ends every echo that is still running with an error.
			session.Close()
			echoes.Wait()
			if err == io.EOF {
				report("session ended by EOF")
				return 0
			}
			report("session failed: %v", err)
			return 1
		}
		echoes.Add(1)
		go func() {
			defer echoes.Done()
			echo(stream)
		}()
	}
}

// ping sends one ping and reports the round-trip time. The yamux library gives up after its
// ConnectionWriteTimeout, 10 seconds by default.
func ping(session *yamux.Session) {
	rtt, err := session.Ping()
	if err != nil {
		report("ping failed: %v", err)
		return
	}
	report("ping reply received after %v", rtt)
}

// pingDuringStream sends one ping while a stream is open, so that the ping mixes with the data
// frames of other streams.
func pingDuringStream(session *yamux.Session, id uint32) {
	if _, err := session.Ping(); err != nil {
		report("stream %d: ping failed: %v", id, err)
	}
}

// echo reads the stream until EOF, sends a ping, writes every byte back and closes the stream.
// The 2019 yamux snapshot in Debian can return EOF early from a Read after the stream's own
// Close, so the read must finish before Close.
func echo(stream *yamux.Stream) {
	id := stream.StreamID()
	received, err := io.ReadAll(stream)
	if err != nil {
		report("stream %d: read failed after %d bytes: %v", id, len(received), err)
		stream.Close()
		return
	}

	pingDuringStream(stream.Session(), id)
	written, err := stream.Write(received)
	if err != nil {
		report("stream %d: write failed after %d of %d bytes: %v", id, written, len(received), err)
		stream.Close()
		return
	}
	stream.Close()
	report("stream %d: echoed %d bytes sha256 %x", id, len(received), sha256.Sum256(received))
}

// runClient opens the streams, checks their echoes, ends the session with GoAway and returns
// the exit status.
func runClient(conn net.Conn, config *yamux.Config, streams int, size int) int {
	session, err := yamux.Client(conn, config)
	if err != nil {
		fmt.Fprintf(os.Stderr, "yamuxpeer: invalid yamux configuration: %v\n", err)
		return 2
	}
	defer session.Close()
	go ping(session)

	results := make(chan error, streams)
	for i := 0; i < streams; i++ {
		seed := int64(i)
		go func() {
			results <- exchange(session, seed, size)
		}()
	}
	failures := 0
	for i := 0; i < streams; i++ {
		if err := <-results; err != nil {
			report("%v", err)
			failures++
		}
	}

	// A stream leaves the session once both sides have sent FIN. Waiting for that means that the
	// peer's FIN of every stream has arrived before this program sends GoAway.
	deadline := time.Now().Add(streamEndTimeout)
	for session.NumStreams() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if open := session.NumStreams(); open > 0 {
		report("timed out after %v waiting for the peer to end %d streams", streamEndTimeout, open)
		failures++
	}

	// GoAway waits for the send goroutine to confirm the write. If the peer closes the socket
	// in response first, the library may report ErrSessionShutdown although the frame was sent.
	if err := session.GoAway(); err == yamux.ErrSessionShutdown {
		report("GoAway not confirmed before the session ended")
	} else if err != nil {
		report("sending GoAway failed: %v", err)
		return 1
	}
	select {
	case <-session.CloseChan():
		report("session ended after GoAway")
	case <-time.After(streamEndTimeout):
		report("timed out after %v waiting for the peer to close the socket after GoAway",
			streamEndTimeout)
		failures++
	}
	if failures > 0 {
		return 1
	}
	return 0
}

// exchange opens one stream, sends a ping, sends size bytes derived from seed while it reads the
// echo, checks the echo and closes the stream. It returns nil only if the echo matched.
func exchange(session *yamux.Session, seed int64, size int) error {
	stream, err := session.OpenStream()
	if err != nil {
		return fmt.Errorf("opening a stream failed: %v", err)
	}
	id := stream.StreamID()
	defer stream.Close()
	pingDuringStream(session, id)

	sent := make([]byte, size)
	rand.New(rand.NewSource(seed)).Read(sent)

	writeResult := make(chan error, 1)
	go func() {
		_, err := stream.Write(sent)
		writeResult <- err
	}()

	received := make([]byte, size)
	readCount, readErr := io.ReadFull(stream, received)
	if err := <-writeResult; err != nil {
		return fmt.Errorf("stream %d: write failed: %v", id, err)
	}
	if readErr != nil {
		return fmt.Errorf("stream %d: read failed after %d of %d bytes: %v",
			id, readCount, size, readErr)
	}
	if !bytes.Equal(sent, received) {
		return fmt.Errorf("stream %d: echo of %d bytes differs from the bytes sent", id, size)
	}

	report("stream %d: verified echo of %d bytes sha256 %x", id, size, sha256.Sum256(sent))
	return nil
}
