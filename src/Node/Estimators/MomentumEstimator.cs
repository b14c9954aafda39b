using SignActors.Messages.Protocol;
using SignActors.Training.Algorithms;
using SignActors.Training.Vectors;

namespace SignActors.Node.Estimators;

/// <summary>
/// v_1 = g_1; v_t = (1 − β) v_{t−1} + β g_t. β weights the NEW gradient (the papers' grid
/// β ∈ {0.9, 0.5, 0.1, 0.01}; Signum's usual 0.9 momentum is β = 0.1 here).
/// </summary>
public sealed class MomentumEstimator : IGradientEstimator
{
    readonly float[] _v;
    bool _started;

    public MomentumEstimator(int dimension, float beta)
    {
        if (!(beta > 0 && beta <= 1)) throw new ArgumentOutOfRangeException(nameof(beta), $"momentum beta must be in (0, 1], got {beta}");
        _v = new float[dimension];
        Beta = beta;
    }

    public float Beta { get; }
    public string Name => Names.Of(EstimatorKind.Momentum);
    public EstimatorDeclaration Declaration { get; } = BuiltInDeclarations.Of(new EstimatorSpec(EstimatorKind.Momentum));
    public bool NeedsGradientAtPrevious => false;

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
        Blend.Momentum(_v, g, 1 - Beta, Beta);
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
