package archive.solr;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A throwaway SolrCloud for the tests: ZooKeeper and NODES Solr nodes on 127.0.0.1, the archive's
 * configset uploaded, until the process is stopped.
 *
 * <pre>java archive.solr.TestCluster BASE_DIR URLS_FILE [CONFIGSET_DIR CONFIGSET_NAME]</pre>
 *
 * <p>Writes the nodes' base URLs, comma-separated, to URLS_FILE once the cluster answers (written
 * beside and renamed, so a reader never sees half of it), and on a second line the address of a
 * control server on 127.0.0.1 that stops and starts nodes for fault tests ({@code GET
 * /stop/I}, {@code GET /start/I}: node I counted from 0, answered once done). SIGTERM, or the end
 * of the process that started it, shuts the cluster down.
 */
public final class TestCluster {
  private TestCluster() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2 && args.length != 4) {
      System.err.println(
          "usage: TestCluster BASE_DIR URLS_FILE [CONFIGSET_DIR CONFIGSET_NAME]");
      System.exit(2);
    }
    Path baseDir = Path.of(args[0]);
    Path urlsFile = Path.of(args[1]);
    int nodes = Integer.getInteger("archive.solr.nodes", 2);

    long started = System.nanoTime();
    // Jetty binds every node to 127.0.0.1; ZooKeeper's address comes from zkHost (loopback too).
    JettyConfig jetty = JettyConfig.builder().setContext("/solr").setPort(0).build();
    MiniSolrCloudCluster cluster = new MiniSolrCloudCluster(nodes, baseDir, jetty);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    cluster.shutdown();
                  } catch (Exception e) {
                    System.err.println("shutdown: " + e);
                  } finally {
                    stopped.countDown();
                  }
                }));
    // Whoever started us may die without stopping us (kill -9): then we stop too.
    ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> System.exit(0)));
    cluster.waitForAllNodes(60);
    if (args.length == 4) {
      cluster.uploadConfigSet(Path.of(args[2]), args[3]);
    }

    List<String> urls = new ArrayList<>();
    for (JettySolrRunner runner : cluster.getJettySolrRunners()) {
      urls.add(runner.getBaseUrl().toString());
    }
    String line = String.join(",", urls);
    String control = control(cluster);
    Path partial = urlsFile.resolveSibling(urlsFile.getFileName() + ".partial");
    Files.writeString(partial, line + "\n" + control + "\n", StandardCharsets.UTF_8);
    Files.move(partial, urlsFile, StandardCopyOption.ATOMIC_MOVE);
    System.out.printf(
        "SolrCloud up in %.1f s: %s (ZooKeeper %s)%n",
        (System.nanoTime() - started) / 1e9, line, cluster.getZkServer().getZkAddress());
    System.out.flush();
    stopped.await();
  }

  /** Starts the control server; its base URL. A stopped node comes back on its own port. */
  private static String control(MiniSolrCloudCluster cluster) throws Exception {
    // The cluster drops a stopped node from its own list: keep them in start-up order.
    List<JettySolrRunner> nodes = new ArrayList<>(cluster.getJettySolrRunners());
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String[] parts = exchange.getRequestURI().getPath().split("/");
          int status = 200;
          String body;
          try {
            JettySolrRunner runner = nodes.get(Integer.parseInt(parts[2]));
            if (parts[1].equals("stop")) {
              cluster.stopJettySolrRunner(runner);
              cluster.waitForJettyToStop(runner);
            } else if (parts[1].equals("start")) {
              cluster.startJettySolrRunner(runner, true);
              cluster.waitForNode(runner, 60);
            } else {
              throw new IllegalArgumentException("not stop or start: " + parts[1]);
            }
            body = "done";
          } catch (Exception e) {
            status = 400;
            body = e.toString();
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }
}
