using SignActors.Messages;

namespace SignActors.Server.Aggregators;

/// <summary>S_R's `auto` radius (SPEC §2): R_{t+1} = max_j ‖v_t^j‖_∞ over the round's accepted votes.</summary>
public static class AutoRadius
{
    public static float Next(IEnumerable<VoteScalars> acceptedScalars)
    {
        float r = 0f;
        foreach (var s in acceptedScalars)
        {
            if (!float.IsFinite(s.EstimateLInf) || s.EstimateLInf < 0)
                throw new ArgumentException($"vote scalar ‖v‖_∞ must be finite and ≥ 0, got {s.EstimateLInf}", nameof(acceptedScalars));
            r = Math.Max(r, s.EstimateLInf);
        }
        return r;
    }
}
