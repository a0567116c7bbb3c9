package io.mapleak.capture;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * A connection to a HotSpot JVM through the Attach API: its system properties and {@code jcmd}'s diagnostic
 * commands. The only class that touches {@code com.sun.tools.attach}; load it only after {@link AttachSupport}
 * said yes. Each call is one request over the JVM's attach socket; not for use by several threads.
 *
 * <p>Why {@code sun.tools.attach.HotSpotVirtualMachine}: the public {@link VirtualMachine} has no way to run a
 * diagnostic command, and {@code GC.heap_dump} (what {@code jcmd PID GC.heap_dump} runs) is the only dump with
 * both {@code -all} and {@code -gz}. The alternative through public API, starting the target's local JMX agent
 * and calling its DiagnosticCommand MBean, would leave a JMX connector and its threads running in a production
 * JVM for the rest of its life. {@code executeJCmd} is a public method of that class, reached by reflection so
 * that mapleak compiles with {@code --release 17}; it needs {@code --add-exports
 * jdk.attach/sun.tools.attach=ALL-UNNAMED}, which mapleak's jar declares in its manifest.
 */
final class AttachedJvm implements AutoCloseable {
    private static final String HOTSPOT_VM = "sun.tools.attach.HotSpotVirtualMachine";

    private final VirtualMachine vm;

    private AttachedJvm(VirtualMachine vm) {
        this.vm = vm;
    }

    /**
     * Attaches to {@code pid}. Takes milliseconds when the JVM's attach listener runs already; otherwise the JVM
     * starts it on a {@code SIGQUIT} and this waits up to the Attach API's timeout (10 s) for it.
     *
     * @throws IOException with the Attach API's own words (an {@code AttachNotSupportedException} becomes an
     *                     IOException with its message as cause and message)
     */
    static AttachedJvm attach(long pid) throws IOException {
        try {
            return new AttachedJvm(VirtualMachine.attach(Long.toString(pid)));
        } catch (AttachNotSupportedException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The target's system properties ({@code sun.java.command}, {@code java.version}, {@code java.home}...). */
    Properties systemProperties() throws IOException {
        return vm.getSystemProperties();
    }

    /** Runs one diagnostic command and returns its output; blocks until the command finishes (a dump: minutes). */
    String jcmd(String command) throws IOException {
        Object stream;
        try {
            Method execute = Class.forName(HOTSPOT_VM).getMethod("executeJCmd", String.class);
            stream = execute.invoke(vm, command);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("jcmd " + command + " failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(HOTSPOT_VM + ".executeJCmd is not reachable: " + e, e);
        }
        try (InputStream in = (InputStream) stream) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        try {
            vm.detach();
        } catch (IOException e) {
            // detaching only closes our side; the target's attach listener does not care
        }
    }
}
