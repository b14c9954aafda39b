using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;

namespace SignActors.Runtime.Logging;

/// <summary>
/// Akka's log events into Microsoft.Extensions.Logging (and from there to NLog), one category per
/// log source (<c>akka://signactors/user/federation/server</c>, <c>Akka.Remote…</c>), the
/// message as Akka formatted it. Akka.Hosting's own LoggerFactoryLogger writes every source
/// under one category with a bracketed prefix, which would lose the per-actor names that route
/// SignActors' warnings to the console and Akka's internals to run.log only.
/// </summary>
public sealed class LoggerFactoryBridge : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public LoggerFactoryBridge()
    {
        var factory = Context.System.Settings.Setup.Get<LoggerFactorySetup>().GetOrElse(null!)?.LoggerFactory
            ?? throw new ConfigurationException($"{nameof(LoggerFactoryBridge)} needs a {nameof(LoggerFactorySetup)} (the host's ILoggerFactory)");
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            try
            {
                var logger = factory.CreateLogger(e.LogSource ?? "akka");
                var level = Level(e.LogLevel());
                if (!logger.IsEnabled(level)) return;
                logger.Log(level, default, e.Message?.ToString() ?? "", e.Cause, static (message, _) => message);
            }
            catch (ObjectDisposedException) { } // the host has gone (a system that failed to start, shutting down): nowhere to write
        });
    }

    static Microsoft.Extensions.Logging.LogLevel Level(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => Microsoft.Extensions.Logging.LogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => Microsoft.Extensions.Logging.LogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => Microsoft.Extensions.Logging.LogLevel.Warning,
        _ => Microsoft.Extensions.Logging.LogLevel.Error,
    };
}
