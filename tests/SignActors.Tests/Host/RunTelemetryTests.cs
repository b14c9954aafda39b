using SignActors.Runtime.Cluster;
using System.Globalization;
using Akka.Configuration;
using SignActors.Runtime.Monitoring;
using SignActors.Server.Metrics;
using SignActors.Tests.Cluster;
using SignActors.Training.Models;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>OpenTelemetry metrics, scraped from the Prometheus endpoint as Prometheus would.</summary>
[Collection("host-runs")]
public class RunTelemetryTests
{
    static TelemetrySettings Prometheus(int port) =>
        TelemetrySettings.Read(ConfigurationFactory.ParseString($"signactors.telemetry {{ exporter = prometheus, prometheus.host = \"127.0.0.1\", prometheus.port = {port}, otlp-endpoint = \"http://127.0.0.1:4317\", otlp-protocol = grpc }}"));

    static async Task<string> Scrape(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
    }

    /// <summary>The value of <paramref name="metric"/>'s series for run <paramref name="run"/>; null when absent.</summary>
    static double? Value(string scrape, string metric, string run)
    {
        foreach (var line in scrape.Split('\n'))
        {
            if (!line.StartsWith(metric + "{", StringComparison.Ordinal) || !line.Contains($"run=\"{run}\"")) continue;
            var after = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ');
            return double.Parse(after[0], CultureInfo.InvariantCulture);
        }
        return null;
    }

    static RoundMetrics Row(long round, int accepted, int late, long bitsUp, double? accuracy, int live) =>
        new(round, WallMs: 100 * round, ElapsedSeconds: 0.1 * round, LearningRate: 0.01f, TrainLoss: 2.5 - round, Accepted: accepted, Late: late, Rejected: 0,
            Byzantine: 0, BitsUp: bitsUp, BitsDown: 2 * bitsUp, SlowestComputeMs: 1, TotalComputeMs: 2, Agreement: 0.6, OmniscientRecords: 0,
            Evaluation: accuracy is { } a ? new Evaluation(1.5, a, 100) : null, Gradient: null, LiveNodes: live);

    [Fact]
    public async Task Each_rounds_counts_add_up_and_gauges_keep_the_last_value_per_run()
    {
        int port = Loopback.FreePort();
        using (var telemetry = RunTelemetry.Start(Prometheus(port))!)
        {
            telemetry.Run = "run-a";
            telemetry.Write(Row(1, accepted: 8, late: 0, bitsUp: 1000, accuracy: 0.25, live: 8));
            telemetry.Write(Row(2, accepted: 7, late: 1, bitsUp: 900, accuracy: null, live: 7));
            string scrape = await Scrape(port);
            Assert.True(Value(scrape, "signactors_rounds_total", "run-a") == 2, scrape);
            Assert.Equal(15, Value(scrape, "signactors_votes_accepted_total", "run-a"));
            Assert.Equal(1, Value(scrape, "signactors_votes_late_total", "run-a"));
            Assert.Equal(1900, Value(scrape, "signactors_bits_up_bit_total", "run-a") ?? Value(scrape, "signactors_bits_up_total", "run-a"));
            Assert.Equal(0.25, Value(scrape, "signactors_test_accuracy", "run-a")); // round 2 did not evaluate
            Assert.Equal(7, Value(scrape, "signactors_nodes_live", "run-a"));
            Assert.Equal(0.5, Value(scrape, "signactors_train_loss", "run-a"));
            Assert.Equal(2, Value(scrape, "signactors_round_duration_milliseconds_count", "run-a"));
            Assert.Equal(300, Value(scrape, "signactors_round_duration_milliseconds_sum", "run-a"));
        }
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Scrape(port)); // the endpoint closes with the run
    }

    [Fact]
    public async Task A_run_with_the_exporter_switched_on_is_scraped_while_it_runs()
    {
        int port = Loopback.FreePort();
        string runs = Path.Combine(Path.GetTempPath(), $"signactors-otel-{Guid.NewGuid():N}");
        string config = Path.Combine(Path.GetTempPath(), $"signactors-{Guid.NewGuid():N}.conf");
        File.WriteAllText(config, $$"""
            signactors {
              nodes = 2
              rounds = 150
              evaluation.every = 0
              model { name = mlp, batch-size = 4 }
              data { cache-directory = "{{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}}", synthetic { train-per-class = 3, test-per-class = 1 } }
              output.directory = "{{runs}}"
              telemetry { exporter = prometheus, prometheus.port = {{port}} }
            }
            """);
        var run = Task.Run(() => CommandTests.Run("run", config));
        double? rounds = null;
        string scrape = "";
        var until = DateTime.UtcNow.AddMinutes(2);
        while (rounds is null && !run.IsCompleted && DateTime.UtcNow < until)
        {
            try
            {
                scrape = await Scrape(port);
                string? name = scrape.Split('\n').FirstOrDefault(l => l.StartsWith("signactors_rounds_total{"))?.Split("run=\"")[1].Split('"')[0];
                if (name is not null) rounds = Value(scrape, "signactors_rounds_total", name);
            }
            catch (HttpRequestException) { }
            await Task.Delay(20);
        }
        var (code, output, error) = await run;
        Assert.True(code == 0, output + error);
        Assert.Contains($"telemetry: Prometheus scrape endpoint http://127.0.0.1:{port}/metrics", output);
        Assert.True(rounds is > 0 and <= 150, $"no rounds counted while the run ran:\n{scrape}");
        Assert.Contains("signactors_nodes_live{", scrape);
        Directory.Delete(runs, recursive: true);
    }

    [Fact]
    public async Task OTLP_over_HTTP_pushes_the_run_metrics_to_a_collector_when_the_run_ends()
    {
        int port = Loopback.FreePort();
        using var collector = new System.Net.HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = Task.Run(async () =>
        {
            var context = await collector.GetContextAsync();
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            (string Path, string Type, byte[] Body) request = (context.Request.Url!.AbsolutePath, context.Request.ContentType ?? "", body.ToArray());
            context.Response.StatusCode = 200;
            context.Response.Close();
            return request;
        });
        var settings = TelemetrySettings.Read(ConfigurationFactory.ParseString(
            $"signactors.telemetry {{ exporter = otlp, otlp-endpoint = \"http://127.0.0.1:{port}\", otlp-protocol = http, prometheus.host = \"127.0.0.1\", prometheus.port = 9464 }}"));
        using (var telemetry = RunTelemetry.Start(settings)!)
        {
            telemetry.Run = "run-otlp";
            telemetry.Write(Row(1, accepted: 8, late: 0, bitsUp: 1000, accuracy: 0.25, live: 8));
        } // disposing flushes the last export
        var (path, type, bytes) = await received.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("/v1/metrics", path);
        Assert.Equal("application/x-protobuf", type);
        string text = System.Text.Encoding.UTF8.GetString(bytes); // protobuf keeps names and string values as UTF-8
        foreach (var name in new[] { "SignActors", "signactors.rounds", "signactors.votes.accepted", "signactors.test.accuracy", "signactors.nodes.live", "run-otlp" })
            Assert.Contains(name, text);
    }

    [Theory]
    [InlineData("exporter = prom", "signactors.telemetry.exporter")]
    [InlineData("otlp-endpoint = \"collector:4317\"", "signactors.telemetry.otlp-endpoint = \"collector:4317\" is not an http:// or https:// address")]
    public void A_wrong_setting_is_one_line_naming_it(string setting, string message)
    {
        var config = ConfigurationFactory.ParseString($"signactors.telemetry {{ {setting} }}")
            .WithFallback(ConfigurationFactory.ParseString("signactors.telemetry { exporter = off, prometheus.host = \"127.0.0.1\", prometheus.port = 9464, otlp-endpoint = \"http://127.0.0.1:4317\", otlp-protocol = grpc }"));
        Assert.Contains(message, Assert.Throws<ConfigurationException>(() => TelemetrySettings.Read(config)).Message);
    }

    [Fact]
    public void A_port_in_use_is_refused_before_the_run_directory_exists()
    {
        int port = Loopback.FreePort();
        using var first = RunTelemetry.Start(Prometheus(port))!;
        var e = Assert.Throws<ConfigurationException>(() => RunTelemetry.Start(Prometheus(port)));
        Assert.StartsWith($"signactors.telemetry.prometheus: cannot listen on 127.0.0.1:{port}", e.Message);
    }
}
