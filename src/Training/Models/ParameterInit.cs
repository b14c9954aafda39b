using SignActors.Training.Randomness;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SignActors.Training.Models;

/// <summary>
/// Initial parameters from the run seed, the same on every replica and host, set explicitly for
/// every parameter (TorchSharp 0.107's GroupNorm leaves its affine parameters as uninitialised
/// memory, so no module default is trusted):
/// <list type="bullet">
/// <item>Conv2d weight ~ N(0, 2/fan_in) (Kaiming, ReLU gain); bias 0.</item>
/// <item>Linear weight ~ N(0, 1/fan_in); bias 0.</item>
/// <item>GroupNorm / LayerNorm weight 1, bias 0.</item>
/// </list>
/// Parameter i of the layout draws from the run's ModelInit stream with round i, so parameters
/// fill in parallel (in any order) and a model's draws do not shift when another parameter is added before it.
/// A module of any other type that owns parameters is an error, not a silent default.
/// </summary>
public static class ParameterInit
{
    public static float[] Values(nn.Module module, ParameterLayout layout, ulong seed)
    {
        var values = new float[layout.Length];
        var work = new List<(int Slot, Action<Span<float>, StreamKey> Fill)>();
        var index = layout.Slots.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i);
        foreach (var (prefix, m) in module.named_modules())
            foreach (var (name, p) in m.named_parameters(recurse: false))
            {
                string full = prefix.Length == 0 ? name : $"{prefix}.{name}";
                var shape = p.shape;
                Action<Span<float>, StreamKey> fill = (m, name) switch
                {
                    (Conv2d, "weight") => Normal(Math.Sqrt(2.0 / (shape[1] * shape[2] * shape[3]))),
                    (Linear, "weight") => Normal(Math.Sqrt(1.0 / shape[1])),
                    (Conv2d or Linear, "bias") => Constant(0),
                    (GroupNorm or LayerNorm, "weight") => Constant(1),
                    (GroupNorm or LayerNorm, "bias") => Constant(0),
                    _ => throw new NotSupportedException($"no initialisation rule for parameter '{full}' of {m.GetType().Name}"),
                };
                work.Add((index[full], fill));
            }
        if (work.Count != layout.Slots.Count) throw new InvalidOperationException($"initialised {work.Count} of {layout.Slots.Count} parameters");
        work.Sort((a, b) => layout.Slots[b.Slot].Length.CompareTo(layout.Slots[a.Slot].Length)); // largest first: the threads finish together
        OnOwnThreads(work, layout.Length < ParallelFrom ? 1 : Environment.ProcessorCount, w =>
        {
            var slot = layout.Slots[w.Slot];
            w.Fill(values.AsSpan((int)slot.Offset, (int)slot.Length), new StreamKey(seed, StreamKey.RunActor, (uint)w.Slot, StreamPurpose.ModelInit));
        });
        return values;
    }

    /// <summary>Below this many parameters one thread draws them all in a few milliseconds (a thread costs about 0.1 ms to start).</summary>
    const int ParallelFrom = 1 << 16;

    /// <summary>
    /// <paramref name="body"/> over <paramref name="items"/> on the calling thread and threads of
    /// its own, never the thread pool: Akka runs the cluster's heartbeats there, and a parallel loop
    /// holds every pool thread until it ends (resnet18's 11 M draws starved a worker's heartbeats for
    /// 2 s on a busy machine).
    /// </summary>
    internal static void OnOwnThreads<T>(IReadOnlyList<T> items, int threads, Action<T> body)
    {
        int next = -1;
        Exception? failure = null;
        void Work()
        {
            try
            {
                for (int i; (i = Interlocked.Increment(ref next)) < items.Count;) body(items[i]);
            }
            catch (Exception e) { Interlocked.CompareExchange(ref failure, e, null); }
        }
        var helpers = Enumerable.Range(0, Math.Max(0, Math.Min(threads, items.Count) - 1)).Select(_ => new Thread(Work) { IsBackground = true, Name = "parameter-init" }).ToArray();
        foreach (var t in helpers) t.Start();
        Work();
        foreach (var t in helpers) t.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    static Action<Span<float>, StreamKey> Normal(double std) => (target, key) =>
    {
        var s = new RandomStream(key);
        for (int i = 0; i < target.Length; i++) target[i] = (float)(std * s.NextNormal());
    };

    static Action<Span<float>, StreamKey> Constant(float value) => (target, _) => target.Fill(value);
}
