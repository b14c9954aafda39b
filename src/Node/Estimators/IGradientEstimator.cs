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
/// uplink compressor sends. The contract, for the built-ins and for a plugin alike:
/// <list type="bullet">
/// <item>State lives here, one instance per node, and only what <see cref="Export"/> returns may
///   decide the next <see cref="Update"/>: checkpoints, a resume and a rejoin carry it that way, so
///   replicas stay bit-identical. It is lost on a crash (<see cref="Reset"/>).</item>
/// <item>It runs on a compute thread (never an actor's), one call at a time per instance, and must
///   not block: no I/O, no waiting, no randomness (an estimator that needs coins is not supported;
///   the uplink draws them).</item>
/// <item>Arithmetic is float32 in a fixed order over the coordinates, so every host gets the same bits.</item>
/// <item>A wrong shape (a gradient of another d, a snapshot of another shape) is an
///   <see cref="ArgumentException"/> before anything changes.</item>
/// </list>
/// </summary>
public interface IGradientEstimator
{
    /// <summary>Its name in messages (the config's spelling for a built-in).</summary>
    string Name { get; }

    /// <summary>What the runtime needs to know of it (whether replicas keep x_{t−1}, whether its vector carries η).</summary>
    EstimatorDeclaration Declaration { get; }

    /// <summary>True when this round the node must also compute ∇f(x_{t−1}; ξ_t) (storm from its second round; only where <see cref="Declaration"/> says it needs it).</summary>
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
    /// <summary>The estimator in force: a plugin's (its public constructor taking d and the <see cref="PluginSettings"/>), or the built-in the spec names.</summary>
    public static IGradientEstimator Create(AlgorithmSpec spec, int dimension) =>
        spec.Plugins?.Estimator is { } plugin ? plugin.Create<IGradientEstimator>(dimension, plugin.Settings) : Create(spec.Estimator, dimension);

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
    public static void CheckState(EstimatorSnapshot state, int buffers, int dimension, string estimator)
    {
        if (state.Buffers.Length != buffers || state.Buffers.Any(b => b.Length != dimension))
            throw new ArgumentException($"{estimator} state needs {buffers} buffer(s) of d={dimension}, got {state.Buffers.Length} of {string.Join("/", state.Buffers.Select(b => b.Length))}", nameof(state));
    }

    public static void CheckLength(ReadOnlySpan<float> g, int dimension, string what)
    {
        if (g.Length != dimension) throw new ArgumentException($"{what} has {g.Length} coordinates, expected d={dimension}");
    }
}
