package io.mapleak.heap;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * The bytes of a compressed dump as the reader of pass 1 reads them, inflated into a temp file (which the later
 * passes read at random) by a thread of their own, a piece ahead of the reader: inflating and writing take one
 * core while parsing takes another, where one thread used to do all three in turn. The reader gets each piece from
 * the temp file once it is written there, so what it reads is exactly what the later passes find.
 *
 * <p>A failure of the inflating thread (the temp directory full, say) reaches the reader as the same exception
 * when it comes to the bytes that could not be written. A damaged or cut compressed stream ends the stream
 * ({@code DumpFile.openStream} reads it so), and the reader reports the truncation. Closing stops the thread
 * between two pieces and waits for it, so the temp file is never written after the reader is done with it. The
 * thread is never interrupted: an interrupt during a write would close the temp file's channel for everyone.
 */
final class InflatingChannel implements ReadableByteChannel {
    /** Bytes inflated and written at a time: the reader waits for at most one piece at the start. */
    private static final int PIECE = 1 << 20;

    private final ReadableByteChannel in;
    private final FileChannel out;
    private final Thread thread;
    private final Object lock = new Object();
    /** Bytes in the temp file so far (guarded by {@link #lock}). */
    private long written;
    /** Whether the thread has ended (guarded by {@link #lock}). */
    private boolean ended;
    /** Why the thread ended early, if it did (guarded by {@link #lock}). */
    private IOException failure;
    private volatile boolean stop;
    private boolean open = true;
    /** The reader's position. */
    private long position;

    /** Starts inflating {@code in} (the dump's uncompressed bytes) into {@code out}, from its offset 0. */
    InflatingChannel(ReadableByteChannel in, FileChannel out) {
        this.in = in;
        this.out = out;
        this.thread = new Thread(this::inflate, "mapleak-inflate");
        thread.setDaemon(true);
        thread.start();
    }

    private void inflate() {
        ByteBuffer piece = ByteBuffer.allocate(PIECE); // on the heap: DumpFile's stream reads into its array
        long at = 0;
        IOException failed = null;
        try {
            boolean end = false;
            while (!end && !stop) {
                piece.clear();
                while (piece.hasRemaining()) {
                    if (in.read(piece) < 0) {
                        end = true;
                        break;
                    }
                }
                piece.flip();
                while (piece.hasRemaining()) {
                    at += out.write(piece, at);
                }
                synchronized (lock) {
                    written = at;
                    lock.notifyAll();
                }
            }
        } catch (IOException e) {
            failed = e;
        } catch (UncheckedIOException e) {
            failed = e.getCause();
        } catch (RuntimeException | Error e) {
            failed = new IOException("inflating the dump failed: " + e, e);
        } finally {
            synchronized (lock) {
                failure = failed;
                ended = true;
                lock.notifyAll();
            }
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        long available;
        synchronized (lock) {
            while (position >= written && !ended) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while inflating the dump");
                }
            }
            available = written - position;
            if (available == 0) {
                if (failure != null) {
                    throw failure;
                }
                return -1;
            }
        }
        int n = (int) Math.min(dst.remaining(), available);
        int limit = dst.limit();
        dst.limit(dst.position() + n);
        try {
            while (dst.hasRemaining()) {
                if (out.read(dst, position + n - dst.remaining()) < 0) {
                    throw new IOException("the inflated dump's temp file ended before the " + written
                            + " bytes written to it");
                }
            }
        } finally {
            dst.limit(limit);
        }
        position += n;
        return n;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Stops the thread (after the piece it is on) and closes the compressed stream; the temp file stays open. */
    @Override
    public void close() throws IOException {
        if (!open) {
            return;
        }
        open = false;
        stop = true;
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true; // the thread ends within one piece: wait for it all the same
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        in.close();
    }
}
