using SignActors.Messages.Protocol;
using SignActors.Training.Algorithms;

namespace SignActors.Node.Estimators;

/// <summary>
/// Lion (Chen et al. 2023): what is compressed is c_t = β1 m_{t−1} + (1 − β1) g_t; then
/// m_t = β2 m_{t−1} + (1 − β2) g_t, with m_0 = 0. The sign step and its decoupled weight decay
/// are the shared update rule (SPEC §4).
/// </summary>
public sealed class LionEstimator : IGradientEstimator
{
    readonly float[] _m;
    readonly float[] _c;

    public LionEstimator(int dimension, float beta1, float beta2)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), $"lion beta1 must be in [0, 1), got {beta1}");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), $"lion beta2 must be in [0, 1), got {beta2}");
        _m = new float[dimension];
        _c = new float[dimension];
        Beta1 = beta1; Beta2 = beta2;
    }

    public float Beta1 { get; }
    public float Beta2 { get; }
    public string Name => Names.Of(EstimatorKind.Lion);
    public EstimatorDeclaration Declaration { get; } = BuiltInDeclarations.Of(new EstimatorSpec(EstimatorKind.Lion));
    public bool NeedsGradientAtPrevious => false;
    public ReadOnlySpan<float> Momentum => _m;

    public ReadOnlySpan<float> Update(in EstimatorInput input)
    {
        var g = input.Gradient;
        Estimator.CheckLength(g, _m.Length, "gradient");
        float b1 = Beta1, ob1 = 1 - Beta1, b2 = Beta2, ob2 = 1 - Beta2;
        for (int k = 0; k < _m.Length; k++)
        {
            _c[k] = b1 * _m[k] + ob1 * g[k];
            _m[k] = b2 * _m[k] + ob2 * g[k];
        }
        return _c;
    }

    public void Reset() => Array.Clear(_m);

    public EstimatorSnapshot Export() => new(false, new[] { (float[])_m.Clone() });

    public void Import(EstimatorSnapshot state)
    {
        Estimator.CheckState(state, 1, _m.Length, Name);
        state.Buffers[0].CopyTo(_m, 0);
    }
}
