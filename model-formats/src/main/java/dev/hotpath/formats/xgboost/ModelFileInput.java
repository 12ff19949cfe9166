package dev.hotpath.formats.xgboost;

import dev.hotpath.scoring.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A model file, or a byte array, read through one window: a file is read in chunks of {@value #CHUNK} bytes into a
 * small buffer that readers consume ({@link UbjDocReader} parses UBJSON straight from it), and every byte is hashed
 * (SHA-256, the model's checksum) exactly once as it arrives. A UBJSON model thus never exists as one large array:
 * a fresh JVM pays for every new page of heap it touches (page faults), so a load that allocates less starts
 * faster, and the memory a load needs stays a fraction of the file size. Formats parsed from one array (JSON,
 * legacy binary) take the whole file with {@link #readAll()}.
 *
 * <p>The window holds file bytes {@code [base, base + limit)} at {@code buf[0, limit)}; {@code pos} is the next
 * unread byte. Readers advance {@code pos} themselves and call {@link #fill(int)} when they need more.
 *
 * <p>Load-time only; not thread-safe; one per load.
 */
final class ModelFileInput implements AutoCloseable {
    /** Bytes read from the file at a time: large enough to amortise the system call, small enough for L2. */
    static final int CHUNK = 1 << 16;

    private final FileChannel channel;
    private final MessageDigest sha256;
    /** The file (or array) length when it was opened; reading stops there. */
    final long length;
    final String source;
    byte[] buf;
    int pos;
    int limit;
    /** The file offset of {@code buf[0]}. */
    long base;
    private String checksum;

    private ModelFileInput(FileChannel channel, long length, String source, byte[] buf, int limit) {
        this.channel = channel;
        this.length = length;
        this.source = source;
        this.buf = buf;
        this.limit = limit;
        this.sha256 = newSha256();
    }

    /**
     * Opens a file and reads its first chunk.
     *
     * @param file the model file
     * @param maxBytes the largest file accepted
     * @return the input, positioned at offset 0
     * @throws ModelFormatException if the file is missing, unreadable or larger than {@code maxBytes}
     */
    static ModelFileInput open(Path file, long maxBytes) {
        String source = file.toString();
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file);
            long size = ch.size();
            if (size > maxBytes) {
                throw XgboostReader.tooLarge(source, size, maxBytes);
            }
            if (size > NumArray.MAX_LENGTH) {
                throw new ModelFormatException(source, null, "the file is " + size + " bytes; at most "
                        + NumArray.MAX_LENGTH + " are supported");
            }
            ModelFileInput in = new ModelFileInput(ch, size, source, new byte[(int) Math.min(size, CHUNK)], 0);
            in.fill(in.buf.length);
            return in;
        } catch (IOException e) {
            close(ch);
            throw new ModelFormatException(source, null, "cannot read the model file: " + e, e);
        } catch (RuntimeException e) {
            close(ch);
            throw e;
        }
    }

    /**
     * @param bytes a whole model file in memory (not copied, not modified)
     * @param source a name for error messages
     * @return the input over the array, positioned at offset 0
     */
    static ModelFileInput of(byte[] bytes, String source) {
        return new ModelFileInput(null, bytes.length, source, bytes, bytes.length);
    }

    /**
     * Makes at least {@code n} unread bytes available in {@code buf[pos, limit)}, moving the unread rest to the
     * front of the window (or growing it for {@code n > CHUNK}) and reading more.
     *
     * @param n bytes needed
     * @return whether they are there; {@code false} when the file ends first (all of it is then buffered)
     */
    boolean fill(int n) {
        if (limit - pos >= n) {
            return true;
        }
        if (channel == null) {
            return false;
        }
        long unreadInFile = length - (base + limit);
        if (unreadInFile > 0) {
            int unread = limit - pos;
            int capacity = Math.max(buf.length, n);
            if (pos > 0 || capacity > buf.length) {
                byte[] target = capacity > buf.length ? new byte[capacity] : buf;
                System.arraycopy(buf, pos, target, 0, unread);
                buf = target;
                base += pos;
                pos = 0;
                limit = unread;
            }
            int want = (int) Math.min(buf.length - limit, unreadInFile);
            read(buf, limit, want, base + limit);
            limit += want;
        }
        return limit - pos >= n;
    }

    /**
     * The whole file as one array, consumed (only {@link #requireEnd} and {@link #checksum} remain). Must be called
     * before anything was consumed.
     *
     * @return the file's bytes (all of them hashed)
     */
    byte[] readAll() {
        if (base != 0 || pos != 0) {
            throw new IllegalStateException("readAll after reading");
        }
        if (limit == length) {
            pos = limit;
            return limit == buf.length ? buf : Arrays.copyOf(buf, limit);
        }
        byte[] all = Arrays.copyOf(buf, (int) length);
        int off = limit;
        while (off < all.length) {
            int n = Math.min(CHUNK, all.length - off);
            read(all, off, n, off);
            off += n;
        }
        buf = all;
        limit = all.length;
        pos = limit;
        return all;
    }

    /** Reads exactly {@code n} bytes, file offsets {@code [at, at + n)}, into {@code dst[off..]} and hashes them. */
    private void read(byte[] dst, int off, int n, long at) {
        ByteBuffer bb = ByteBuffer.wrap(dst, off, n);
        try {
            while (bb.hasRemaining()) {
                if (channel.read(bb) < 0) {
                    throw new ModelFormatException(source, "offset " + (at + bb.position() - off), "the file ended"
                            + " while it was read; it was " + length + " bytes when opened (was it rewritten in"
                            + " place? deploy by writing elsewhere and renaming)");
                }
            }
        } catch (IOException e) {
            throw new ModelFormatException(source, null, "cannot read the model file: " + e, e);
        }
        sha256.update(dst, off, n);
    }

    /**
     * Checks that the whole file was consumed and that it did not grow while it was read.
     *
     * @param what what the format calls its content, for the error message
     * @throws ModelFormatException if bytes follow the document
     */
    void requireEnd(String what) {
        long at = base + pos;
        if (at != length) {
            throw new ModelFormatException(source, "offset " + at, "unexpected " + (length - at) + " bytes after the"
                    + " end of the " + what);
        }
        if (channel != null) {
            try {
                if (channel.read(ByteBuffer.allocate(1)) > 0) {
                    throw new ModelFormatException(source, "offset " + length, "the file grew while it was read;"
                            + " it was " + length + " bytes when opened (deploy by writing elsewhere and renaming)");
                }
            } catch (IOException e) {
                throw new ModelFormatException(source, null, "cannot read the model file: " + e, e);
            }
        }
    }

    /** @return the SHA-256 of every byte read (call once the whole file has been read), as lower-case hex */
    String checksum() {
        if (checksum == null) {
            if (channel == null) {
                sha256.update(buf, 0, limit); // an array is hashed only if asked: XgboostReader may hash it itself
            }
            checksum = hex(sha256.digest());
        }
        return checksum;
    }

    @Override
    public void close() {
        close(channel);
    }

    private static void close(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // read-only: nothing was written that closing could lose
            }
        }
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    static String hex(byte[] d) {
        StringBuilder sb = new StringBuilder(2 * d.length);
        for (byte x : d) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }
}
