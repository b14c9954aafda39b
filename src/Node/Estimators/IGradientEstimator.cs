using SignActors.Messages.Protocol;
using SignActors.Training.Algorithms;

namespace SignActors.Node.Estimators;

/// <summary>What one round gives an estimator.</summary>
/// <param name="Gradient">g_t = ∇f_j(x_t; ξ_t).</param>
/// <param name="GradientAtPrevious">∇f_j(x_{t−1}; ξ_t) on the SAME minibatch (storm only; empty otherwise).</param>
/// <param name="StepSize">η_t (error feedback's γ).</param>
public readonly ref struct EstimatorInput(ReadOnlySpan<float> gradient, ReadOnlySpan<float> gradientAtPrevious = default, float stepSize = 0f)
{
    public ReadOnlySpan<float> Gradient { get; } = gradient;
    public ReadOnlySpan<float> GradientAtPrevious { get; } = gradientAtPrevious;
    public float StepSize { get; } = stepSize;
}

/// <summary>
/// A node's estimator (SPEC §2): turns this round's gradient(s) into the vector v_t that the
/// uplink compressor sends. State lives here and is lost on a crash (<see cref="Reset"/>).
/// </summary>
public interface IGradientEstimator
{
    EstimatorKind Kind { get; }

    /// <summary>True when the node must also compute ∇f(x_{t−1}; ξ_t) (storm).</summary>
    bool NeedsGradientAtPrevious { get; }

    /// <summary>
    /// Advances one round and returns v_t. The span is the estimator's own buffer: valid until
    /// the next call, never to be written by the caller.
    /// </summary>
    ReadOnlySpan<float> Update(in EstimatorInput input);

    void Reset();

    /// <summary>A copy of the state the next <see cref="Update"/> depends on (checkpoints).</summary>
    EstimatorSnapshot Export();

    /// <summary>Takes over <paramref name="state"/>; a wrong shape is refused before anything changes.</summary>
    void Import(EstimatorSnapshot state);
}

public static class Estimator
{
    public static IGradientEstimator Create(EstimatorSpec spec, int dimension) => spec.Kind switch
    {
        EstimatorKind.Plain => new PlainEstimator(dimension),
        EstimatorKind.Momentum => new MomentumEstimator(dimension, (float)spec.Beta),
        EstimatorKind.Storm => new StormEstimator(dimension, (float)spec.Beta),
        EstimatorKind.ErrorFeedback => new ErrorFeedbackEstimator(dimension),
        EstimatorKind.Lion => new LionEstimator(dimension, (float)spec.Beta1, (float)spec.Beta2),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), $"unknown estimator {spec.Kind}"),
    };

    /// <summary>Checks a snapshot has <paramref name="buffers"/> buffers of d coordinates.</summary>
    internal static void CheckState(EstimatorSnapshot state, int buffers, int dimension, EstimatorKind kind)
    {
        if (state.Buffers.Length != buffers || state.Buffers.Any(b => b.Length != dimension))
            throw new ArgumentException($"{Names.Of(kind)} state needs {buffers} buffer(s) of d={dimension}, got {state.Buffers.Length} of {string.Join("/", state.Buffers.Select(b => b.Length))}", nameof(state));
    }

    internal static void CheckLength(ReadOnlySpan<float> g, int dimension, string what)
    {
        if (g.Length != dimension) throw new ArgumentException($"{what} has {g.Length} coordinates, expected d={dimension}");
    }
}
