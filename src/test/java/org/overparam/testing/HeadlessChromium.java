package org.overparam.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium driven over the Chrome DevTools Protocol (a WebSocket, no driver binary): opens a page and
 * reports what a reader would see go wrong — console errors, uncaught exceptions, failed loads (Log domain), images
 * that did not load. Started on 127.0.0.1 with a free port and a throw-away profile; {@link #close()} ends the browser.
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://127\\.0\\.0\\.1:(\\d+)/\\S+)");

    /** What loading one page showed. */
    public record PageCheck(List<String> errors, int images, List<String> brokenImages, int inlineSvgs, String title) {}

    private final Process process;
    private final Path profile;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger ids = new AtomicInteger();

    public HeadlessChromium() throws Exception {
        profile = Files.createTempDirectory("chromium-profile");
        String binary = Files.isExecutable(Path.of("/usr/bin/chromium")) ? "/usr/bin/chromium" : "chromium";
        process = new ProcessBuilder(
                        binary,
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--no-first-run",
                        "--remote-debugging-address=127.0.0.1",
                        "--remote-debugging-port=0",
                        "--user-data-dir=" + profile,
                        "about:blank")
                .redirectErrorStream(true)
                .start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> said = new ArrayList<>();
        int found = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (found < 0 && System.nanoTime() < deadline && (line = out.readLine()) != null) {
            said.add(line);
            Matcher m = DEVTOOLS.matcher(line);
            if (m.find()) found = Integer.parseInt(m.group(2));
        }
        if (found < 0) {
            close();
            throw new IllegalStateException("Chromium did not start its DevTools endpoint (apt-get install chromium):\n"
                    + String.join("\n", said));
        }
        port = found;
        Thread drain = new Thread(
                () -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe empty
                        }
                    } catch (IOException ignored) {
                        // browser closed
                    }
                },
                "chromium-output");
        drain.setDaemon(true);
        drain.start();
    }

    /** Loads {@code page} in a fresh tab, waits for its load event, and collects what went wrong. */
    public PageCheck open(Path page) throws Exception {
        String body = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/new?about:blank"))
                                .PUT(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        JsonNode target = JSON.readTree(body);
        BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create(target.get("webSocketDebuggerUrl").asText()), new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                messages.add(JSON.readTree(partial.toString()));
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                })
                .get(30, TimeUnit.SECONDS);
        List<String> errors = new ArrayList<>();
        try {
            for (String domain : List.of("Runtime.enable", "Log.enable", "Page.enable"))
                call(ws, messages, errors, domain, null);
            ObjectNode nav = JSON.createObjectNode().put("url", page.toUri().toString());
            call(ws, messages, errors, "Page.navigate", nav);
            await(
                    messages,
                    errors,
                    m -> "Page.loadEventFired".equals(m.path("method").asText()),
                    "the page's load event");
            String probe = "JSON.stringify({images: document.images.length, "
                    + "broken: Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src')), "
                    + "svgs: document.querySelectorAll('figure svg').length, title: document.title})";
            JsonNode result = call(
                    ws,
                    messages,
                    errors,
                    "Runtime.evaluate",
                    JSON.createObjectNode().put("expression", probe).put("returnByValue", true));
            // Late console messages (none expected) arrive before this round trip's answer.
            call(
                    ws,
                    messages,
                    errors,
                    "Runtime.evaluate",
                    JSON.createObjectNode().put("expression", "1"));
            JsonNode v = JSON.readTree(result.at("/result/value").asText());
            List<String> broken = new ArrayList<>();
            v.get("broken").forEach(b -> broken.add(b.asText()));
            return new PageCheck(
                    errors,
                    v.get("images").asInt(),
                    broken,
                    v.get("svgs").asInt(),
                    v.get("title").asText());
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/close/"
                                    + target.get("id").asText()))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    private JsonNode call(
            WebSocket ws, BlockingQueue<JsonNode> messages, List<String> errors, String method, JsonNode params)
            throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        if (params != null) msg.set("params", params);
        ws.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
        JsonNode reply = await(messages, errors, m -> m.path("id").asInt(-1) == id, method);
        if (reply.has("error")) throw new IllegalStateException(method + ": " + reply.get("error"));
        return reply.path("result");
    }

    /** Waits for a message matching {@code wanted}, recording every error event seen on the way. */
    private static JsonNode await(
            BlockingQueue<JsonNode> messages,
            List<String> errors,
            java.util.function.Predicate<JsonNode> wanted,
            String what)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JsonNode m = messages.poll(100, TimeUnit.MILLISECONDS);
            if (m == null) continue;
            String method = m.path("method").asText();
            JsonNode p = m.path("params");
            switch (method) {
                case "Runtime.exceptionThrown" ->
                    errors.add("exception: " + p.at("/exceptionDetails/text").asText() + " "
                            + p.at("/exceptionDetails/exception/description").asText());
                case "Runtime.consoleAPICalled" -> {
                    if (List.of("error", "assert").contains(p.path("type").asText()))
                        errors.add("console." + p.path("type").asText() + ": " + p.path("args"));
                }
                case "Log.entryAdded" -> {
                    if ("error".equals(p.at("/entry/level").asText())) {
                        errors.add("log: " + p.at("/entry/text").asText() + " "
                                + p.at("/entry/url").asText());
                    }
                }
                default -> {}
            }
            if (wanted.test(m)) return m;
        }
        throw new IllegalStateException("Chromium: no answer for " + what + " within 60 s");
    }

    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS))
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder
        }
    }
}
