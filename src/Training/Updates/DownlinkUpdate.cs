using SignActors.Messages;
using SignActors.Messages.Protocol;
using SignActors.Training.Algorithms;

namespace SignActors.Training.Updates;

/// <summary>
/// Applies a round's downlink to a replica's parameters by the rule of SPEC §4 that the
/// algorithm implies. Every honest node and the server's global copy run one of these with the
/// same inputs, which is why they stay bit-identical.
/// </summary>
public sealed class DownlinkUpdate
{
    readonly IOptimizer? _optimizer;
    float[]? _meanBuffer;

    public DownlinkUpdate(AlgorithmSpec spec)
    {
        Spec = spec;
        Kind = spec.Update;
        if (Kind == UpdateKind.Optimizer) _optimizer = CreateOptimizer(spec.Optimizer, (float)spec.WeightDecay);
    }

    public AlgorithmSpec Spec { get; }
    public UpdateKind Kind { get; }
    public IOptimizer? Optimizer => _optimizer;

    public static IOptimizer CreateOptimizer(OptimizerSpec o, float weightDecay) => o.Kind switch
    {
        OptimizerKind.Sgd => new Sgd(weightDecay),
        OptimizerKind.SgdMomentum => new SgdMomentum((float)o.Momentum, weightDecay),
        OptimizerKind.AdamW => new AdamW((float)o.Beta1, (float)o.Beta2, (float)o.Epsilon, weightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(o), $"unknown optimizer {o.Kind}"),
    };

    /// <summary>x ← update(x, downlink) at learning rate η_t.</summary>
    public void Apply(Payload downlink, Span<float> x, float learningRate)
    {
        if (downlink.Length != x.Length)
            throw new ArgumentException($"downlink has d={downlink.Length}, parameters have d={x.Length}", nameof(downlink));
        float decay = learningRate * (float)Spec.WeightDecay; // η_t λ: decoupled weight decay in every sign rule
        switch (Kind, downlink)
        {
            case (UpdateKind.Sign, SignPayload s): // x ← x − η_t (a_t + λ x_t)
                SignStep.Apply(s.Signs, x, learningRate, decay);
                break;
            case (UpdateKind.ScaledSign, ScaledSignPayload s): // x ← x − η_t (M_t a_t + λ x_t)
                SignStep.Apply(s.Signs, x, learningRate * s.Scale, decay);
                break;
            case (UpdateKind.ErrorFeedback, ScaledSignPayload s): // x ← x − s_t a_t − η_t λ x_t
                SignStep.Apply(s.Signs, x, s.Scale, decay);
                break;
            case (UpdateKind.Optimizer, DensePayload dense):
                _optimizer!.Step(dense.Values, x, learningRate);
                break;
            case (UpdateKind.Optimizer, CountPayload counts):
                var m = _meanBuffer ??= new float[x.Length];
                counts.Counts.ToMean(m);
                _optimizer!.Step(m, x, learningRate);
                break;
            default:
                throw new ArgumentException($"update rule {Kind} cannot apply a {downlink.GetType().Name} downlink", nameof(downlink));
        }
    }

    /// <summary>Forget optimizer state (a crashed node rejoining; SPEC §7).</summary>
    public void Reset() => _optimizer?.Reset();

    /// <summary>The `mean` optimizer's state for a <see cref="ModelSnapshot"/>; null for sign updates.</summary>
    public OptimizerSnapshot? ExportState() => _optimizer?.Export();

    /// <summary>Takes over the optimizer state of a snapshot (a sign update has none to take).</summary>
    public void ImportState(OptimizerSnapshot? state, int dimension)
    {
        if (state is not null && state.Buffers.Any(b => b.Length != dimension))
            throw new ArgumentException($"optimizer state buffers have {string.Join("/", state.Buffers.Select(b => b.Length))} coordinates, parameters d={dimension}", nameof(state));
        if (_optimizer is null)
        {
            if (state is not null) throw new ArgumentException($"update rule {Kind} keeps no optimizer state, the snapshot carries some", nameof(state));
            return;
        }
        _optimizer.Import(state);
    }
}
