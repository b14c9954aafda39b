using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Event;

namespace SignActors.Runtime.Cluster.Tls;

/// <summary>
/// Says refused TLS connections on the console, at most one line per remote address a minute,
/// naming why (the peer check's reason, or the handshake's), and keeps the last failed outbound
/// handshake so a worker that cannot join says why in its one line. Akka.Remote reports a
/// rejected connection only in its own log (with a stack trace, to run.log), so this listens to
/// the log events on the event stream.
/// </summary>
public sealed partial class TlsRefusalMonitor : ReceiveActor
{
    readonly TlsRefusals _refusals;
    readonly NoticeThrottle<string> _throttle = new(TimeSpan.FromMinutes(1));
    readonly ILoggingAdapter _log = Context.GetLogger();

    public TlsRefusalMonitor(TlsRefusals refusals)
    {
        _refusals = refusals;
        Receive<Warning>(OnLog);
        Receive<Error>(OnLog);
    }

    public static Props Props(TlsRefusals refusals) => Akka.Actor.Props.Create(() => new TlsRefusalMonitor(refusals));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(Warning));
        Context.System.EventStream.Subscribe(Self, typeof(Error));
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    void OnLog(LogEvent e)
    {
        if (e.LogSource?.Contains("/user/", StringComparison.Ordinal) == true) return; // ours (this monitor's own lines included)
        string text = e.Message?.ToString() ?? "";
        if (NoCertificate().Match(text) is { Success: true } none) _refusals.NoteInbound(none.Groups[1].Value, "it presented no certificate");
        else if (Failed().Match(text) is { Success: true } failed)
        {
            // One error per failed handshake; Akka's "Rejected incoming connection" warning that may follow is not counted again.
            if (e.LogSource?.Contains("TcpServerHandler", StringComparison.Ordinal) == true) Say(failed.Groups[2].Value, HandshakeReason(e));
            else _refusals.NoteOutbound(failed.Groups[2].Value, HandshakeReason(e));
        }
    }

    void Say(string endpoint, string handshake)
    {
        string reason = _refusals.TakeInbound(endpoint) ?? handshake; // the peer check's reason first
        var (say, heldBack) = _throttle.Offer(TlsRefusals.Host(endpoint), DateTime.UtcNow);
        if (say) _log.Warning("refused a TLS connection from {0}: {1}{2}", TlsRefusals.Endpoint(endpoint), reason,
            heldBack > 0 ? $" ({heldBack} more refused from {TlsRefusals.Host(endpoint)} in the last minute)" : "");
    }

    /// <summary>The handshake exception's innermost message, on one line.</summary>
    public static string HandshakeReason(Exception? cause)
    {
        while (cause?.InnerException is not null) cause = cause.InnerException;
        if (cause?.GetType().Name == "NotSslRecordException") return "it does not speak TLS (its first bytes are no TLS record)";
        string message = cause?.Message.Split('\n')[0].Trim() ?? "";
        return message.Length == 0 ? "the TLS handshake failed" : $"the TLS handshake failed ({message})";
    }

    static string HandshakeReason(LogEvent e) => HandshakeReason(e.Cause);

    [GeneratedRegex(@"did not provide a certificate from (\S+)")]
    private static partial Regex NoCertificate();

    [GeneratedRegex(@"TLS (?:handshake failed|exception) on channel \[(.+?)->(.+?)\]\(Id=")]
    private static partial Regex Failed();
}
