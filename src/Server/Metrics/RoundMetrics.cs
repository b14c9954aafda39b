using System.Globalization;
using SignActors.Messages.Protocol;
using SignActors.Training.Models;

namespace SignActors.Server.Metrics;

/// <summary>
/// One row of metrics.csv (SPEC §9). Bits are exact wire sizes: each accepted vote's header plus
/// packed body up, the aggregate's header plus body times the nodes it was sent to down.
/// <see cref="Late"/> and <see cref="Rejected"/> count the votes that arrived while this round was
/// open (late: for an earlier round). Compute times are the nodes' own measurements of their
/// vote (gradient, estimator, compression); the slowest bounds the round from below.
/// <see cref="OmniscientRecords"/> states how many training records an omniscient attacker's
/// "full" gradient covers (the whole set, or the configured fixed sample; empty without one).
/// <see cref="Evaluation"/> (test set), <see cref="Validation"/> (the held-out validation records,
/// when the run has some) and <see cref="Gradient"/> are set on evaluation rounds only.
/// <see cref="Repeated"/> counts a node's identical vote sent again (it was asked again while its
/// first copy was in flight): not a fault. <see cref="CloseMs"/> is how long the coordinator took from
/// the round's close to sending what comes next (StartRound t + 1, or the checkpoint's state requests).
/// <see cref="Participants"/> is how many nodes the round's StartRound went to: every live node, or
/// the ones drawn under client sampling. <see cref="LiveNodes"/> is how many registered nodes were
/// up at the close (the aggregate went to each). <see cref="WholeSet"/> is f(x_t) and ‖∇f(x_t)‖ over
/// every training record, on the rounds the stationarity measure drew (x_t: before this round's update).
/// </summary>
public sealed record RoundMetrics(
    long Round,
    double WallMs,
    double ElapsedSeconds,
    float LearningRate,
    double TrainLoss,
    int Accepted,
    int Late,
    int Rejected,
    int Byzantine,
    long BitsUp,
    long BitsDown,
    double SlowestComputeMs,
    double TotalComputeMs,
    double Agreement,
    int OmniscientRecords,
    Evaluation? Evaluation,
    GradientNorms? Gradient,
    Evaluation? Validation = null,
    int Repeated = 0,
    double CloseMs = 0,
    int Participants = 0,
    int LiveNodes = 0,
    WholeSetGradient? WholeSet = null)
{
    /// <summary>The row of a closed round from its facts; the evaluation columns from the global model after it, when evaluated.</summary>
    public static RoundMetrics Of(ClosedRound round, Evaluation? test = null, GradientNorms? gradient = null, Evaluation? validation = null)
    {
        var votes = round.Votes;
        var honest = votes.Where(v => !round.Byzantine.Contains(v.NodeId)).Select(v => v.Payload).ToArray();
        return new RoundMetrics(
            round.Start.Round, round.WallMs, round.ElapsedSeconds, round.Start.LearningRate,
            votes.Sum(v => (double)v.Scalars.Loss) / votes.Length,
            votes.Length, round.Late, round.Rejected, votes.Length - honest.Length,
            votes.Sum(WireSize.Of) * 8L, (WireSize.Of(round.Start) * (long)round.Participants + WireSize.Of(round.Aggregate) * (long)round.Recipients) * 8L,
            votes.Max(v => (double)v.ComputeMs), votes.Sum(v => (double)v.ComputeMs),
            Metrics.Agreement.Fraction(honest, round.Aggregate.Payload), round.OmniscientRecords,
            test, gradient, validation, round.Repeated, round.CloseMs, round.Participants, round.Recipients);
    }

    public static readonly string[] Columns =
    {
        "round", "wall_ms", "elapsed_s", "lr", "train_loss", "votes_accepted", "votes_late", "votes_rejected",
        "byzantine", "bits_up", "bits_down", "slowest_compute_ms", "total_compute_ms", "agreement", "omniscient_records", "test_loss", "test_accuracy", "grad_l1", "grad_l2",
        "val_loss", "val_accuracy", "votes_repeated", "close_ms", "participants", "live_nodes", "full_loss", "full_grad_l1", "full_grad_l2",
    };

    /// <summary>Columns that depend on timing, not on the math (everything else repeats exactly for one config and seed).</summary>
    public static readonly string[] TimingColumns = { "wall_ms", "elapsed_s", "slowest_compute_ms", "total_compute_ms", "close_ms" };

    public string ToCsv()
    {
        var c = CultureInfo.InvariantCulture;
        string R(double x) => x.ToString("R", c);
        return string.Join(',',
            Round.ToString(c), WallMs.ToString("F3", c), ElapsedSeconds.ToString("F3", c), LearningRate.ToString("R", c), R(TrainLoss),
            Accepted.ToString(c), Late.ToString(c), Rejected.ToString(c), Byzantine.ToString(c), BitsUp.ToString(c), BitsDown.ToString(c),
            SlowestComputeMs.ToString("F3", c), TotalComputeMs.ToString("F3", c), R(Agreement), OmniscientRecords > 0 ? OmniscientRecords.ToString(c) : "",
            Evaluation is { } e ? R(e.Loss) : "", Evaluation is { } a && !double.IsNaN(a.Accuracy) ? R(a.Accuracy) : "",
            Gradient is { } g ? R(g.L1) : "", Gradient is { } h ? R(h.L2) : "",
            Validation is { } v ? R(v.Loss) : "", Validation is { } w ? R(w.Accuracy) : "",
            Repeated.ToString(c), CloseMs.ToString("F3", c), Participants.ToString(c), LiveNodes.ToString(c),
            WholeSet is { } f ? R(f.Loss) : "", WholeSet is { } f1 ? R(f1.L1) : "", WholeSet is { } f2 ? R(f2.L2) : "");
    }

    /// <summary>Every column after <c>round</c> that has a value in this row, as (column, value): what TensorBoard and OpenTelemetry get.</summary>
    public IEnumerable<(string Column, double Value)> Values()
    {
        yield return ("wall_ms", WallMs);
        yield return ("elapsed_s", ElapsedSeconds);
        yield return ("lr", LearningRate);
        yield return ("train_loss", TrainLoss);
        yield return ("votes_accepted", Accepted);
        yield return ("votes_late", Late);
        yield return ("votes_rejected", Rejected);
        yield return ("byzantine", Byzantine);
        yield return ("bits_up", BitsUp);
        yield return ("bits_down", BitsDown);
        yield return ("slowest_compute_ms", SlowestComputeMs);
        yield return ("total_compute_ms", TotalComputeMs);
        yield return ("agreement", Agreement);
        if (OmniscientRecords > 0) yield return ("omniscient_records", OmniscientRecords);
        if (Evaluation is { } e) { yield return ("test_loss", e.Loss); if (!double.IsNaN(e.Accuracy)) yield return ("test_accuracy", e.Accuracy); }
        if (Gradient is { } g) { yield return ("grad_l1", g.L1); yield return ("grad_l2", g.L2); }
        if (Validation is { } v) { yield return ("val_loss", v.Loss); yield return ("val_accuracy", v.Accuracy); }
        yield return ("votes_repeated", Repeated);
        yield return ("close_ms", CloseMs);
        yield return ("participants", Participants);
        yield return ("live_nodes", LiveNodes);
        if (WholeSet is { } f) { yield return ("full_loss", f.Loss); yield return ("full_grad_l1", f.L1); yield return ("full_grad_l2", f.L2); }
    }
}

/// <summary>
/// The facts of one closed round, all its metrics row is computed from: the StartRound it opened
/// with and the <paramref name="Participants"/> it went to, the accepted votes in node-id order, the
/// aggregate sent to <paramref name="Recipients"/> nodes, the dropped votes, and the clocks.
/// </summary>
public sealed record ClosedRound(
    StartRound Start, int Participants, Vote[] Votes, Aggregate Aggregate, int Recipients, int Late, int Rejected, int Repeated,
    IReadOnlySet<int> Byzantine, int OmniscientRecords, double WallMs, double ElapsedSeconds, double CloseMs);

/// <summary>Where a closed round's row goes: metrics.csv, TensorBoard's event file, OpenTelemetry.</summary>
public interface IRoundSink
{
    void Write(RoundMetrics row);
}

/// <summary>
/// Writes metrics.csv, a row per round as it closes (flushed, so a crashed run keeps what it did);
/// with <c>every</c> = k only every k-th round's, an evaluated round's, a stationarity round's and the last.
/// </summary>
public sealed class MetricsCsv : IRoundSink, IDisposable
{
    readonly StreamWriter _writer;
    readonly int _every;
    readonly long _last;

    /// <param name="after">A resumed run: keep the rows up to this round (a stopped run may have written later ones) and go on.</param>
    /// <param name="every">Write a plain row every this many rounds (rows with an evaluation or a stationarity measure, and round <paramref name="last"/>, always).</param>
    public MetricsCsv(string path, long? after = null, int every = 1, long last = 0)
    {
        (_every, _last) = (Math.Max(1, every), last);
        var kept = after is { } round && File.Exists(path)
            ? File.ReadLines(path).Skip(1).Where(line => long.TryParse(line.AsSpan(0, Math.Max(0, line.IndexOf(','))), out long r) && r <= round).ToArray()
            : [];
        _writer = new StreamWriter(path, append: false) { AutoFlush = true };
        _writer.WriteLine(string.Join(',', RoundMetrics.Columns));
        foreach (var line in kept) _writer.WriteLine(line);
    }

    public void Write(RoundMetrics row)
    {
        if (row.Round % _every == 0 || row.Round == _last || row.Evaluation is not null || row.Validation is not null || row.Gradient is not null || row.WholeSet is not null)
            _writer.WriteLine(row.ToCsv());
    }

    /// <summary>The values of <paramref name="column"/> in the metrics.csv at <paramref name="path"/>, in row order (empty cells skipped).</summary>
    public static double[] Values(string path, string column)
    {
        var lines = File.ReadAllLines(path);
        int index = lines.Length == 0 ? -1 : Array.IndexOf(lines[0].Split(','), column);
        if (index < 0) return [];
        return lines.Skip(1).Select(line => line.Split(',')).Where(cells => cells.Length > index && cells[index].Length > 0)
            .Select(cells => double.Parse(cells[index], CultureInfo.InvariantCulture)).ToArray();
    }

    public void Dispose() => _writer.Dispose();
}
