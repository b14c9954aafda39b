using SignActors.Messages;
using SignActors.Training.Algorithms;
using SignActors.Training.Randomness;

namespace SignActors.Server.Aggregators;

/// <summary>
/// Li et al.'s distributed scaled signSGD (Algorithm 3): a = sign(Σ_j s^j) as in majority vote,
/// plus M_t = mean_j of the votes' scales (‖v^j‖_1, or ‖p^j‖_1/d for error feedback), summed in
/// double in node-id order.
/// </summary>
public static class ScaledMajority
{
    public static float MeanScale(IReadOnlyList<Payload> votes)
    {
        double sum = 0;
        for (int j = 0; j < votes.Count; j++)
            sum += votes[j] is ScaledSignPayload s ? s.Scale
                 : throw new ArgumentException($"scaled-majority takes scaled-sign votes, vote {j} is {votes[j].GetType().Name}", nameof(votes));
        return (float)(sum / votes.Count);
    }
}
