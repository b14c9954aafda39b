using SignActors.Messages.Protocol;
using SignActors.Training.Algorithms;
using SignActors.Training.Vectors;

namespace SignActors.Node.Estimators;

/// <summary>
/// EF-signSGD (Karimireddy et al. 2019): p_t = γ g_t + e_t with γ = η_t; the node sends
/// sign(p_t) with scale ‖p_t‖_1/d; e_{t+1} = p_t − (‖p_t‖_1/d) sign(p_t). The residual uses the
/// same canonical-order norm as the scaled-sign compressor, so both see the same scale.
/// </summary>
public sealed class ErrorFeedbackEstimator(int dimension) : IGradientEstimator
{
    readonly float[] _p = new float[dimension];
    readonly float[] _e = new float[dimension];

    public string Name => Names.Of(EstimatorKind.ErrorFeedback);
    public EstimatorDeclaration Declaration { get; } = BuiltInDeclarations.Of(new EstimatorSpec(EstimatorKind.ErrorFeedback));
    public bool NeedsGradientAtPrevious => false;

    /// <summary>e_{t+1}, the error carried to the next round.</summary>
    public ReadOnlySpan<float> Residual => _e;

    /// <summary>‖p_t‖_1/d of the last update.</summary>
    public float Scale { get; private set; }

    public ReadOnlySpan<float> Update(in EstimatorInput input)
    {
        var g = input.Gradient;
        Estimator.CheckLength(g, _p.Length, "gradient");
        float gamma = input.StepSize;
        if (!(gamma > 0) || !float.IsFinite(gamma)) throw new ArgumentOutOfRangeException(nameof(input), $"error feedback needs a positive step size γ = η_t, got {gamma}");
        for (int k = 0; k < _p.Length; k++) _p[k] = gamma * g[k] + _e[k];
        float scale = (float)Norms.MeanAbs(_p);
        for (int k = 0; k < _p.Length; k++) _e[k] = _p[k] - (_p[k] >= 0f ? scale : -scale);
        Scale = scale;
        return _p;
    }

    public void Reset() { Array.Clear(_e); Scale = 0; }

    public EstimatorSnapshot Export() => new(false, new[] { (float[])_e.Clone() });

    public void Import(EstimatorSnapshot state)
    {
        Estimator.CheckState(state, 1, _e.Length, Name);
        state.Buffers[0].CopyTo(_e, 0);
    }
}
