using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SignActors.Messages.Packing;
using SignActors.Messages.Simd;
using SignActors.Server.Aggregators;
using SignActors.Training.Algorithms;
using SignActors.Training.Randomness;
using SignActors.Training.Updates;

namespace SignActors.Bench;

/// <summary>
/// The packed-sign kernels against baselines measured in the same run (issue: Foundation §4).
/// Every ratio is kernel time / baseline time on the same data, so it is comparable across
/// machines even when absolute times are not.
/// </summary>
public sealed class KernelBench(TextWriter output, double minMsPerKernel)
{
    sealed record Row(string Kernel, int N, long D, double Ms, double GBps, string Baseline, double BaselineMs, string Target, bool Met)
    {
        public double Ratio => Ms / BaselineMs;
    }

    readonly List<Row> _rows = new();

    public static IReadOnlyList<int> DefaultDimensions { get; } = new[] { 1_000_000, 11_200_000, 1 << 25 };
    public static IReadOnlyList<int> DefaultNodes { get; } = new[] { 3, 8 };

    public void Run(IReadOnlyList<int> dimensions, IReadOnlyList<int> nodes)
    {
        output.WriteLine($"# kernel benchmark — SIMD path {SimdPaths.Best} (supported: {string.Join(", ", SimdPaths.Supported)}), {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        output.WriteLine($"# each time is the median of ≥3 runs after a warm-up, ≥{minMsPerKernel} ms per kernel");
        foreach (int d in dimensions)
        {
            BenchPackAndApply(d);
            foreach (int n in nodes) BenchAggregators(n, d);
        }
        PrintTable();
    }

    /// <summary>Vote counts the `votes` suite measures: one block (≤ 255), just past it, and far past it.</summary>
    public static IReadOnlyList<int> ScalingNodes { get; } = new[] { 8, 255, 256, 1_000, 10_000 };

    /// <summary>
    /// Majority vote and S_1 per vote as n grows past one 8-plane block (255 votes) to 10,000,
    /// against n = 8 per vote at the same d.
    /// </summary>
    public void RunVoteScaling(int d, IReadOnlyList<int> nodes)
    {
        output.WriteLine($"# vote scaling — SIMD path {SimdPaths.Best}, d = {d:N0}, time per vote against n = {nodes[0]} per vote");
        var tie = StreamKey.ForServer(1, 1, StreamPurpose.TieBreak);
        var coins = StreamKey.ForServer(1, 1, StreamPurpose.UnbiasedSign);
        var aggregate = new PackedSigns(d);
        double baseMv = 0, baseS1 = 0;
        foreach (int n in nodes)
        {
            var votes = new PackedSigns[n];
            for (int j = 0; j < n; j++)
            {
                votes[j] = new PackedSigns(d);
                RandomStream.Fill(StreamKey.ForNode(1, j, 1, StreamPurpose.ByzantineNoise), 0, votes[j].Words);
                votes[j].ClearTail();
            }
            double mv = Stopwatches.MedianMilliseconds(() => MajorityVote.Aggregate(votes, TieBreak.Random, tie, aggregate, SimdPaths.Best), minMsPerKernel) / n;
            double s1 = Stopwatches.MedianMilliseconds(() => UnbiasedSign.Aggregate(votes, coins, aggregate, SimdPaths.Best), minMsPerKernel) / n;
            if (n == nodes[0]) (baseMv, baseS1) = (mv, s1);
            Add("majority vote / vote", n, d, mv, votes[0].ByteCount, $"n = {nodes[0]}, per vote", baseMv, "≤ 2×", mv <= 2 * baseMv);
            Add("S_1 / vote", n, d, s1, votes[0].ByteCount, $"n = {nodes[0]}, per vote", baseS1, "≤ 2×", s1 <= 2 * baseS1);
        }
        PrintTable();
    }

    void BenchPackAndApply(int d)
    {
        var v = RandomFloats(d, 1);
        var signs = new PackedSigns(d);
        float sink = 0;
        double read = Stopwatches.MedianMilliseconds(() => sink += ReadOnlyPass(v), minMsPerKernel);
        double pack = Stopwatches.MedianMilliseconds(() => SignPacker.Pack(v, signs), minMsPerKernel);
        double scalar = Stopwatches.MedianMilliseconds(() => SignPacker.PackScalar(v, signs), minMsPerKernel);
        double inBytes = 4.0 * d;
        Add("pack", 0, d, pack, inBytes, "read-only pass", read, "≤ 1.5×", pack <= 1.5 * read);
        Add("pack", 0, d, pack, inBytes, "scalar bit loop", scalar, "≥ 20× faster", scalar >= 20 * pack);

        var x = RandomFloats(d, 2);
        var dense = new float[d];
        SignPacker.Pack(v, signs);
        SignPacker.Unpack(signs, dense);
        double fused = Stopwatches.MedianMilliseconds(() => SignStep.Apply(signs, x, 1e-7f, 1e-4f), minMsPerKernel);
        double denseMs = Stopwatches.MedianMilliseconds(() => SignStep.ApplyDense(dense, x, 1e-7f, 1e-4f), minMsPerKernel);
        Add("fused apply", 0, d, fused, 8.0 * d, "dense-a update", denseMs, "≤ 1.3×", fused <= 1.3 * denseMs);
        GC.KeepAlive(sink);
    }

    void BenchAggregators(int n, int d)
    {
        var votes = new PackedSigns[n];
        var floatVotes = new float[n][];
        for (int j = 0; j < n; j++)
        {
            var g = RandomFloats(d, 10 + j);
            votes[j] = SignPacker.Pack(g);
            floatVotes[j] = new float[d];
            SignPacker.Unpack(votes[j], floatVotes[j]);
        }
        var tie = StreamKey.ForServer(1, 1, StreamPurpose.TieBreak);
        var coins = StreamKey.ForServer(1, 1, StreamPurpose.UnbiasedSign);
        var signSum = new float[d];
        var copy = new byte[(long)n * votes[0].ByteCount];

        var aggregate = new PackedSigns(d);
        double mv = Stopwatches.MedianMilliseconds(() => MajorityVote.Aggregate(votes, TieBreak.Random, tie, aggregate, SimdPaths.Best), minMsPerKernel);
        double sum = Stopwatches.MedianMilliseconds(() => FloatSignSum(floatVotes, signSum), minMsPerKernel);
        double memcpy = Stopwatches.MedianMilliseconds(() => CopyAll(votes, copy), minMsPerKernel);
        double s1 = Stopwatches.MedianMilliseconds(() => UnbiasedSign.Aggregate(votes, coins, aggregate, SimdPaths.Best), minMsPerKernel);
        double packedBytes = (double)n * votes[0].ByteCount;
        Add("majority vote", n, d, mv, packedBytes, "float32 sign-sum", sum, "≥ 30× faster", sum >= 30 * mv);
        Add("majority vote", n, d, mv, packedBytes, "memcpy n·d/8 B", memcpy, "≤ 2×", mv <= 2 * memcpy);
        Add("S_1 (unbiased sign)", n, d, s1, packedBytes, "majority vote", mv, "≤ 3×", s1 <= 3 * mv);
    }

    void Add(string kernel, int n, long d, double ms, double bytes, string baseline, double baselineMs, string target, bool met)
    {
        var row = new Row(kernel, n, d, ms, bytes / (ms * 1e6), baseline, baselineMs, target, met);
        _rows.Add(row);
        output.WriteLine($"  {kernel,-20} n={(n == 0 ? "-" : n.ToString()),-2} d={d,-9} {ms,9:F3} ms  vs {baseline,-18} {baselineMs,9:F3} ms  ratio {row.Ratio,6:F3}  target {target,-13} {(met ? "met" : "NOT MET")}");
    }

    void PrintTable()
    {
        output.WriteLine();
        output.WriteLine("| kernel | n | d | time (ms) | GB/s (input) | baseline | baseline (ms) | ratio | target | met |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in _rows)
            output.WriteLine($"| {r.Kernel} | {(r.N == 0 ? "–" : r.N.ToString())} | {r.D:N0} | {r.Ms:G4} | {r.GBps:F2} | {r.Baseline} | {r.BaselineMs:G4} | {r.Ratio:F3} | {r.Target} | {(r.Met ? "yes" : "**no**")} |");
        int missed = _rows.Count(r => !r.Met);
        output.WriteLine();
        output.WriteLine(missed == 0 ? "all targets met" : $"{missed} of {_rows.Count} targets not met");
    }

    static float[] RandomFloats(int d, int seed)
    {
        var values = new float[d];
        var rng = new Random(seed);
        for (int k = 0; k < d; k++) values[k] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>The read-only baseline: one vectorised pass that touches every float once.</summary>
    static float ReadOnlyPass(float[] v)
    {
        var acc = Vector512<float>.Zero;
        ref float r = ref MemoryMarshal.GetArrayDataReference(v);
        int k = 0;
        for (; k + 16 <= v.Length; k += 16) acc += Vector512.LoadUnsafe(ref r, (nuint)k);
        float s = Vector512.Sum(acc);
        for (; k < v.Length; k++) s += v[k];
        return s;
    }

    /// <summary>The float baseline of majority vote: Σ_j of ±1 float arrays, then sign, vectorised.</summary>
    static void FloatSignSum(float[][] votes, float[] result)
    {
        var one = Vector512.Create(1f); var minus = Vector512.Create(-1f);
        int d = result.Length, k = 0;
        ref float dst = ref MemoryMarshal.GetArrayDataReference(result);
        for (; k + 16 <= d; k += 16)
        {
            var acc = Vector512<float>.Zero;
            foreach (var v in votes) acc += Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(v), (nuint)k);
            Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(acc, Vector512<float>.Zero), one, minus).StoreUnsafe(ref dst, (nuint)k);
        }
        for (; k < d; k++)
        {
            float acc = 0;
            foreach (var v in votes) acc += v[k];
            result[k] = acc >= 0 ? 1 : -1;
        }
    }

    static void CopyAll(PackedSigns[] votes, byte[] destination)
    {
        int offset = 0;
        foreach (var v in votes)
        {
            v.Bytes.CopyTo(destination.AsSpan(offset));
            offset += v.ByteCount;
        }
    }
}
