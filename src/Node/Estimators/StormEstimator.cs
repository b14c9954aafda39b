using SignActors.Messages.Protocol;
using SignActors.Training.Algorithms;

namespace SignActors.Node.Estimators;

/// <summary>
/// STORM / SSVR variance reduction: v_1 = g_1(x_1);
/// v_t = g_t(x_t) + (1 − β)(v_{t−1} − g_t(x_{t−1})), both gradients on the same minibatch ξ_t
/// (the node keeps x_{t−1} and supplies <see cref="EstimatorInput.GradientAtPrevious"/>).
/// </summary>
public sealed class StormEstimator : IGradientEstimator
{
    readonly float[] _v;
    bool _started;

    public StormEstimator(int dimension, float beta)
    {
        if (!(beta > 0 && beta <= 1)) throw new ArgumentOutOfRangeException(nameof(beta), $"storm beta must be in (0, 1], got {beta}");
        _v = new float[dimension];
        Beta = beta;
    }

    public float Beta { get; }
    public string Name => Names.Of(EstimatorKind.Storm);
    public EstimatorDeclaration Declaration { get; } = BuiltInDeclarations.Of(new EstimatorSpec(EstimatorKind.Storm));
    public bool NeedsGradientAtPrevious => _started;

    public ReadOnlySpan<float> Update(in EstimatorInput input)
    {
        var g = input.Gradient;
        Estimator.CheckLength(g, _v.Length, "gradient");
        if (!_started)
        {
            g.CopyTo(_v);
            _started = true;
            return _v;
        }
        var gPrev = input.GradientAtPrevious;
        Estimator.CheckLength(gPrev, _v.Length, "gradient at x_{t-1}");
        float keep = 1 - Beta;
        for (int k = 0; k < _v.Length; k++) _v[k] = g[k] + keep * (_v[k] - gPrev[k]);
        return _v;
    }

    public void Reset() { _started = false; Array.Clear(_v); }

    public EstimatorSnapshot Export() => new(_started, new[] { (float[])_v.Clone() });

    public void Import(EstimatorSnapshot state)
    {
        Estimator.CheckState(state, 1, _v.Length, Name);
        state.Buffers[0].CopyTo(_v, 0);
        _started = state.Started;
    }
}
