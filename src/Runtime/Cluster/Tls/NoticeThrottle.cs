namespace SignActors.Runtime.Cluster.Tls;

/// <summary>
/// At most one notice per key per period (one console line per remote address per minute, however
/// many connections it opens): the first is said with how many were held back since. Pure: the
/// clock is passed in; one caller at a time.
/// </summary>
public sealed class NoticeThrottle<TKey>(TimeSpan period) where TKey : notnull
{
    readonly Dictionary<TKey, (DateTime Said, int Held)> _last = new();

    /// <returns>Whether to say it now, and how many notices for this key were held back since the last one said.</returns>
    public (bool Say, int HeldBack) Offer(TKey key, DateTime now)
    {
        if (_last.TryGetValue(key, out var last) && now - last.Said < period)
        {
            _last[key] = last with { Held = last.Held + 1 };
            return (false, 0);
        }
        _last[key] = (now, 0);
        return (true, last.Held);
    }
}
