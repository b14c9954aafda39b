using System.Diagnostics.Metrics;
using Akka.Configuration;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using SignActors.Runtime.Configuration;
using SignActors.Server.Metrics;

namespace SignActors.Runtime.Monitoring;

/// <summary>`signactors.telemetry`: which exporter (off by default) and where it listens or sends.</summary>
public sealed record TelemetrySettings(string Exporter, string PrometheusHost, int PrometheusPort, Uri OtlpEndpoint, bool OtlpOverHttp = false)
{
    public bool On => Exporter != "off";

    public static TelemetrySettings Read(Config root)
    {
        var t = new SettingsReader(root, "signactors.telemetry");
        string otlp = t.String("otlp-endpoint");
        if (!Uri.TryCreate(otlp, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ConfigurationException($"{t.Path("otlp-endpoint")} = \"{otlp}\" is not an http:// or https:// address");
        return new TelemetrySettings(t.OneOf("exporter", ["off", "prometheus", "otlp"]), t.String("prometheus.host"), t.Int("prometheus.port", 1, 65535), uri,
            OtlpOverHttp: t.OneOf("otlp-protocol", ["grpc", "http"]) == "http");
    }
}

/// <summary>
/// The run's OpenTelemetry metrics, on a <see cref="Meter"/> named SignActors: rounds, round
/// duration, votes accepted / late / rejected, bits up / down, training loss, test and validation
/// accuracy, live nodes — each tagged with the run's folder name, so an experiment's runs are
/// separate series. Exported by Prometheus's HTTP scrape endpoint or OTLP; the server's process
/// only (it is where rounds close).
/// </summary>
public sealed class RunTelemetry : IRoundSink, IDisposable
{
    public const string MeterName = "SignActors";

    readonly Meter _meter = new(MeterName);
    readonly MeterProvider _provider;
    KeyValuePair<string, object?> _run = new("run", "");
    readonly Counter<long> _rounds, _accepted, _late, _rejected, _bitsUp, _bitsDown;
    readonly Histogram<double> _roundTime;
    readonly Gauge<double> _trainLoss, _testAccuracy, _validationAccuracy;
    readonly Gauge<int> _liveNodes;

    RunTelemetry(TelemetrySettings settings)
    {
        _rounds = _meter.CreateCounter<long>("signactors.rounds", description: "rounds closed");
        _roundTime = _meter.CreateHistogram<double>("signactors.round.duration", "ms", "wall-clock time from StartRound to the round's close");
        _accepted = _meter.CreateCounter<long>("signactors.votes.accepted", description: "votes counted in an aggregate");
        _late = _meter.CreateCounter<long>("signactors.votes.late", description: "votes for a round that had closed");
        _rejected = _meter.CreateCounter<long>("signactors.votes.rejected", description: "votes refused by admission (wrong size, unregistered sender, …)");
        _bitsUp = _meter.CreateCounter<long>("signactors.bits.up", "bit", "exact wire bits of the accepted votes");
        _bitsDown = _meter.CreateCounter<long>("signactors.bits.down", "bit", "exact wire bits of StartRound and the aggregate, to every recipient");
        _trainLoss = _meter.CreateGauge<double>("signactors.train.loss", description: "mean training loss of the round's votes");
        _testAccuracy = _meter.CreateGauge<double>("signactors.test.accuracy", description: "test accuracy at the last evaluation round");
        _validationAccuracy = _meter.CreateGauge<double>("signactors.validation.accuracy", description: "validation accuracy at the last evaluation round");
        _liveNodes = _meter.CreateGauge<int>("signactors.nodes.live", description: "registered nodes up at the round's close");
        var builder = Sdk.CreateMeterProviderBuilder().AddMeter(MeterName);
        _provider = (settings.Exporter == "prometheus"
            ? builder.AddPrometheusHttpListener(o => (o.Host, o.Port, o.ScrapeEndpointPath) = (settings.PrometheusHost, settings.PrometheusPort, "/metrics"))
            : builder.AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = settings.OtlpEndpoint;
                exporter.Protocol = settings.OtlpOverHttp ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                if (settings.OtlpOverHttp) exporter.Endpoint = new Uri(settings.OtlpEndpoint, "v1/metrics"); // the signal's path, as the OTLP/HTTP spec names it
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 5000;
            })).Build()!;
        Where = settings.Exporter == "prometheus" ? $"Prometheus scrape endpoint http://{settings.PrometheusHost}:{settings.PrometheusPort}/metrics" : $"OTLP to {settings.OtlpEndpoint}";
    }

    /// <summary>The exporter's address, for the run's console.</summary>
    public string Where { get; }

    /// <summary>The run's folder name, the <c>run</c> tag of every measurement from now on.</summary>
    public string Run { set => _run = new("run", value); }

    /// <returns>null when telemetry is off.</returns>
    public static RunTelemetry? Start(TelemetrySettings settings)
    {
        if (!settings.On) return null;
        // Checked before the exporter is built: a Prometheus listener that fails to start leaves a half-built provider behind.
        if (settings.Exporter == "prometheus" && PortTaken(settings.PrometheusHost, settings.PrometheusPort) is { } why)
            throw new ConfigurationException($"signactors.telemetry.prometheus: cannot listen on {settings.PrometheusHost}:{settings.PrometheusPort}: {why}");
        try { return new RunTelemetry(settings); }
        catch (InvalidOperationException e) when (e.InnerException is System.Net.HttpListenerException listener)
        {
            throw new ConfigurationException($"signactors.telemetry.prometheus: cannot listen on {settings.PrometheusHost}:{settings.PrometheusPort}: {listener.Message}");
        }
    }

    /// <returns>Why <paramref name="host"/>:<paramref name="port"/> cannot be bound; null when it can.</returns>
    static string? PortTaken(string host, int port)
    {
        var address = host is "+" or "*" ? System.Net.IPAddress.Any
            : host == "localhost" ? System.Net.IPAddress.Loopback
            : System.Net.IPAddress.TryParse(host, out var parsed) ? parsed : null;
        if (address is null) return null; // a name: the exporter resolves it
        var probe = new System.Net.Sockets.TcpListener(address, port) { ExclusiveAddressUse = true };
        try { probe.Start(); return null; }
        catch (System.Net.Sockets.SocketException e) { return e.Message; }
        finally { probe.Stop(); }
    }

    public void Write(RoundMetrics row)
    {
        _rounds.Add(1, _run);
        _roundTime.Record(row.WallMs, _run);
        _accepted.Add(row.Accepted, _run);
        _late.Add(row.Late, _run);
        _rejected.Add(row.Rejected, _run);
        _bitsUp.Add(row.BitsUp, _run);
        _bitsDown.Add(row.BitsDown, _run);
        _trainLoss.Record(row.TrainLoss, _run);
        if (row.Evaluation is { } test) _testAccuracy.Record(test.Accuracy, _run);
        if (row.Validation is { } validation) _validationAccuracy.Record(validation.Accuracy, _run);
        _liveNodes.Record(row.LiveNodes, _run);
    }

    public void Dispose()
    {
        _provider.Dispose();
        _meter.Dispose();
    }
}
