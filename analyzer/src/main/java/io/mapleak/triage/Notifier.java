package io.mapleak.triage;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code --notify}: tells people about new signatures. A target starting with {@code http://} or {@code https://}
 * gets the JSON summary POSTed ({@code Content-Type: application/json}; any 2xx answer is success); anything else
 * is a shell command ({@code sh -c TARGET}) that gets the summary on its standard input and must exit with 0.
 * Either has {@link #TIMEOUT} to finish.
 */
final class Notifier {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Notifier() {
    }

    /** Sends {@code json} to {@code target}; returns null on success, or one line saying what went wrong. */
    static String send(String target, byte[] json, Path log) {
        String t = target.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                return post(URI.create(t), json);
            }
            return run(t, json, log);
        } catch (IOException | IllegalArgumentException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String post(URI uri, byte[] json) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "mapleak-triage")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            String body = response.body().strip();
            return "POST " + uri + " answered " + response.statusCode()
                    + (body.isEmpty() ? "" : ": " + body.substring(0, Math.min(200, body.length())));
        }
        return null;
    }

    private static String run(String command, byte[] json, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(List.of("sh", "-c", command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(json);
        } catch (IOException e) {
            // the command did not read all of it; its exit code decides
        }
        if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            return "the command did not finish within " + Durations.format(TIMEOUT) + ": " + command;
        }
        if (p.exitValue() != 0) {
            String said = ChildAnalysis.lastWords(log);
            return "the command exited with " + p.exitValue() + (said.isEmpty() ? "" : ": " + said);
        }
        return null;
    }
}
