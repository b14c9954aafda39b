using SignActors.Messages.Protocol;
using SignActors.Training.Algorithms;

namespace SignActors.Server.Aggregators;

/// <summary>
/// S_R's broadcast radii for round t + 1 from round t's accepted votes (SPEC §2): under `auto`
/// R_{t+1} = max_j ‖v_t^j‖_∞ (one value); under `per-tensor` R_{t+1,τ} = max_j ‖v_{t,τ}^j‖_∞, one per
/// parameter tensor τ; under `per-tensor-rms` the max over voters of each tensor's RMS, which the
/// votes carry in the same place. Null when the uplink broadcasts no radius (a fixed R, or no S_R at all).
/// Every node knows all R_k before it draws a coin, so each coin stays exact.
/// </summary>
public static class RadiusBroadcast
{
    public static float[]? Next(UplinkSpec uplink, IReadOnlyList<Vote> accepted)
    {
        if (!uplink.BroadcastsRadius || accepted.Count == 0) return null;
        if (uplink.RadiusRule.Kind == RadiusKind.Auto)
        {
            float r = 0f;
            foreach (var vote in accepted) r = Math.Max(r, Checked(vote.Scalars.EstimateLInf, vote));
            return new[] { r };
        }
        var radii = new float[accepted[0].TensorNorms?.Length ?? throw Missing(accepted[0])];
        foreach (var vote in accepted)
        {
            var norms = vote.TensorNorms ?? throw Missing(vote);
            if (norms.Length != radii.Length) throw new ArgumentException($"node {vote.NodeId} sent {norms.Length} per-tensor norms, node {accepted[0].NodeId} {radii.Length}", nameof(accepted));
            for (int i = 0; i < radii.Length; i++) radii[i] = Math.Max(radii[i], Checked(norms[i], vote));
        }
        return radii;
    }

    static float Checked(float norm, Vote vote) => float.IsFinite(norm) && norm >= 0
        ? norm
        : throw new ArgumentException($"node {vote.NodeId}: ‖v‖_∞ must be finite and ≥ 0, got {norm}");

    static ArgumentException Missing(Vote vote) => new($"node {vote.NodeId}'s vote carries no per-tensor norms (radius per-tensor or per-tensor-rms)");
}
