using SignActors.Messages;
using SignActors.Server.Aggregators;
using SignActors.Training.Algorithms;

namespace MyMethods;

/// <summary>
/// Centered clipping (Karimireddy, He and Jaggi 2021) on float32 votes: from the coordinate-wise
/// median m, three times m ← m + (1/n) Σ_i clip_τ(x_i − m), where clip_τ(z) = z·min(1, τ/‖z‖₂).
/// τ is algorithm.plugin.tau (default 1). Sums in double, in node-id order.
/// </summary>
public sealed class CenteredClipping(PluginSettings settings) : IAggregator
{
    readonly double _tau = settings.Double("tau", 1.0) is var t && t > 0 ? t : throw new ArgumentException($"algorithm.plugin.tau must be positive, got {t}");

    public string Name => "centered-clipping";
    public AggregatorDeclaration Declaration { get; } = new(new Dictionary<PayloadKind, PayloadKind> { [PayloadKind.Dense] = PayloadKind.Dense }, _ => 1, (n, f) => 2 * f < n);

    public Payload Aggregate(IReadOnlyList<Payload> votes, in AggregationContext context)
    {
        var x = Robust.Dense(votes, Name);
        var m = Robust.Median(x);
        var step = new double[m.Length];
        for (int iteration = 0; iteration < 3; iteration++)
        {
            Array.Clear(step);
            foreach (var vote in x)
            {
                double norm = 0;
                for (int k = 0; k < m.Length; k++) norm += (vote[k] - m[k]) * (double)(vote[k] - m[k]);
                double scale = Math.Min(1, _tau / Math.Max(Math.Sqrt(norm), 1e-30));
                for (int k = 0; k < m.Length; k++) step[k] += scale * (vote[k] - m[k]);
            }
            for (int k = 0; k < m.Length; k++) m[k] = (float)(m[k] + step[k] / x.Length);
        }
        return new DensePayload(m);
    }
}
