using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using NLog;

namespace SignActors.Host.Logging;

/// <summary>
/// Routes Akka's log events to NLog (Akka.Logger.NLog is not available here): one NLog logger
/// per log source, levels mapped one to one. Named in <c>akka.loggers</c>.
/// </summary>
public sealed class NLogLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public NLogLogger()
    {
        Receive<Debug>(e => Write(e, NLog.LogLevel.Debug));
        Receive<Info>(e => Write(e, NLog.LogLevel.Info));
        Receive<Warning>(e => Write(e, NLog.LogLevel.Warn));
        Receive<Error>(e => Write(e, NLog.LogLevel.Error));
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
    }

    static void Write(LogEvent e, NLog.LogLevel level)
    {
        var logger = LogManager.GetLogger(e.LogSource ?? "akka");
        if (!logger.IsEnabled(level)) return;
        var entry = LogEventInfo.Create(level, logger.Name, e.Cause, System.Globalization.CultureInfo.InvariantCulture, "{0}", new[] { e.Message?.ToString() ?? "" });
        entry.TimeStamp = e.Timestamp;
        logger.Log(entry);
    }
}
