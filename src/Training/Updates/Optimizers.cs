using SignActors.Messages.Protocol;

namespace SignActors.Training.Updates;

/// <summary>
/// Optimizers for the `mean` aggregator (SPEC §4): the broadcast mean is treated as a gradient.
/// Every replica runs one with identical state, so the arithmetic is fixed per element and no
/// libm call (pow, exp) is involved: bias corrections are running products.
/// </summary>
public interface IOptimizer
{
    /// <summary>x ← step(x, gradient) with learning rate η.</summary>
    void Step(ReadOnlySpan<float> gradient, Span<float> x, float learningRate);
    /// <summary>Forget all state (a crashed node loses it; SPEC §7).</summary>
    void Reset();

    /// <summary>The state a (re)joining replica needs to continue bit-identically; null when there is none yet.</summary>
    OptimizerSnapshot? Export();

    /// <summary>Takes over <paramref name="snapshot"/> (null: no state, as after <see cref="Reset"/>).</summary>
    void Import(OptimizerSnapshot? snapshot);
}

/// <summary>SGD with coupled L2 weight decay: x ← x − η (g + λ x).</summary>
public sealed class Sgd(float weightDecay = 0f) : IOptimizer
{
    public float WeightDecay { get; } = weightDecay;

    public void Step(ReadOnlySpan<float> gradient, Span<float> x, float learningRate)
    {
        Check(gradient, x);
        float l = WeightDecay;
        for (int k = 0; k < x.Length; k++) x[k] = x[k] - learningRate * (gradient[k] + l * x[k]);
    }

    public void Reset() { }
    public OptimizerSnapshot? Export() => null;
    public void Import(OptimizerSnapshot? snapshot) => Optimizers.CheckBuffers(snapshot, 0, "sgd");

    internal static void Check(ReadOnlySpan<float> g, Span<float> x)
    {
        if (g.Length != x.Length) throw new ArgumentException($"gradient of {g.Length} for {x.Length} parameters", nameof(g));
    }
}

/// <summary>
/// Heavy-ball SGD as PyTorch defines it (dampening 0): b ← μ b + (g + λ x) (b = g + λ x on the
/// first step); x ← x − η b.
/// </summary>
public sealed class SgdMomentum(float momentum = 0.9f, float weightDecay = 0f) : IOptimizer
{
    float[]? _buffer;
    public float Momentum { get; } = momentum;
    public float WeightDecay { get; } = weightDecay;

    public void Step(ReadOnlySpan<float> gradient, Span<float> x, float learningRate)
    {
        Sgd.Check(gradient, x);
        bool first = _buffer is null;
        var b = _buffer ??= new float[x.Length];
        float mu = Momentum, l = WeightDecay;
        for (int k = 0; k < x.Length; k++)
        {
            float d = gradient[k] + l * x[k];
            b[k] = first ? d : mu * b[k] + d;
            x[k] = x[k] - learningRate * b[k];
        }
    }

    public void Reset() => _buffer = null;
    public ReadOnlySpan<float> Buffer => _buffer;

    public OptimizerSnapshot? Export() => _buffer is null ? null : new OptimizerSnapshot(1, new[] { (float[])_buffer.Clone() });

    public void Import(OptimizerSnapshot? snapshot)
    {
        Optimizers.CheckBuffers(snapshot, 1, "sgdm");
        _buffer = snapshot is null ? null : (float[])snapshot.Buffers[0].Clone();
    }
}

/// <summary>
/// AdamW (Loshchilov &amp; Hutter): x ← x − ηλx; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
/// x ← x − η (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + ε).
/// </summary>
public sealed class AdamW(float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f) : IOptimizer
{
    float[]? _m, _v;
    double _beta1Power = 1, _beta2Power = 1;
    public float Beta1 { get; } = beta1;
    public float Beta2 { get; } = beta2;
    public float Epsilon { get; } = epsilon;
    public float WeightDecay { get; } = weightDecay;
    public long Steps { get; private set; }

    public void Step(ReadOnlySpan<float> gradient, Span<float> x, float learningRate)
    {
        Sgd.Check(gradient, x);
        var m = _m ??= new float[x.Length];
        var v = _v ??= new float[x.Length];
        Steps++;
        _beta1Power *= Beta1;
        _beta2Power *= Beta2;
        float c1 = (float)(1 - _beta1Power), c2 = (float)(1 - _beta2Power);
        float b1 = Beta1, b2 = Beta2, ob1 = 1 - Beta1, ob2 = 1 - Beta2, decay = 1 - learningRate * WeightDecay;
        for (int k = 0; k < x.Length; k++)
        {
            float g = gradient[k];
            m[k] = b1 * m[k] + ob1 * g;
            v[k] = b2 * v[k] + ob2 * (g * g);
            float mHat = m[k] / c1, vHat = v[k] / c2;
            x[k] = x[k] * decay - learningRate * (mHat / (MathF.Sqrt(vHat) + Epsilon));
        }
    }

    public void Reset() { _m = null; _v = null; _beta1Power = 1; _beta2Power = 1; Steps = 0; }

    public OptimizerSnapshot? Export() => _m is null ? null : new OptimizerSnapshot(Steps, new[] { (float[])_m.Clone(), (float[])_v!.Clone() });

    public void Import(OptimizerSnapshot? snapshot)
    {
        Optimizers.CheckBuffers(snapshot, 2, "adamw");
        Reset();
        if (snapshot is null) return;
        _m = (float[])snapshot.Buffers[0].Clone();
        _v = (float[])snapshot.Buffers[1].Clone();
        // The bias-correction powers are rebuilt by the same multiplications Step made, so they match bit for bit.
        for (long i = 0; i < snapshot.Steps; i++) { _beta1Power *= Beta1; _beta2Power *= Beta2; }
        Steps = snapshot.Steps;
    }
}

static class Optimizers
{
    internal static void CheckBuffers(OptimizerSnapshot? snapshot, int expected, string name)
    {
        if (snapshot is not null && snapshot.Buffers.Length != expected)
            throw new ArgumentException($"{name} state has {expected} buffer(s), the snapshot {snapshot.Buffers.Length}", nameof(snapshot));
    }
}
