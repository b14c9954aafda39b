using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NLog.Extensions.Logging;
using SignActors.Runtime.Federation;
using SignActors.Runtime.Logging;

namespace SignActors.Runtime.Hosting;

/// <summary>
/// One process's ActorSystem on Microsoft.Extensions.Hosting with Akka.Hosting: the config is
/// added through the builder (the embedded akka.conf and what the host computes as its fallback,
/// the user's <c>akka</c> section over everything), logging goes through Microsoft.Extensions.Logging
/// to NLog, the caller's actors are started and registered there, and stopping the host runs
/// CoordinatedShutdown. A signal (<see cref="StopSignals"/>) stops the host: its
/// before-service-unbind phase first lets the run stop cleanly (<c>stopCleanly</c>: the server
/// finishes the open round and checkpoints). The console's own signal handling is replaced, so one
/// signal means one clean stop and a second exits at once.
/// </summary>
public sealed class ActorSystemHost : IDisposable
{
    readonly IHost _host;
    readonly Task _shutdown;

    ActorSystemHost(IHost host, ActorSystem system)
    {
        _host = host;
        System = system;
        // Stopping the application (a signal, or the ActorSystem ending on its own) stops the host: CoordinatedShutdown.
        _shutdown = host.WaitForShutdownAsync();
    }

    public ActorSystem System { get; }

    /// <param name="fallback">The embedded akka.conf with what this host computed (dispatchers, frames, log level).</param>
    /// <param name="user">The user's <c>akka</c> section: overrides everything.</param>
    /// <param name="configure">Remoting, clustering, management: Akka.Hosting's options.</param>
    /// <param name="actors">Starts the process's top-level actors and registers them.</param>
    /// <param name="stopCleanly">Given the system and the signal's name, completes when the run has stopped cleanly.</param>
    public static ActorSystemHost Start(string name, Config fallback, Config? user, Akka.Event.LogLevel logLevel,
        Action<AkkaConfigurationBuilder>? configure, Action<ActorSystem, IActorRegistry> actors, StopSignals? signals, Func<ActorSystem, string, Task>? stopCleanly)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace).AddNLog(); // NLog's rules filter (LogSetup)
        builder.Services.AddSingleton<IHostLifetime, SignalLifetime>();
        // The clean stop waits for the open round (CoordinatedShutdown's phase allows an hour).
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromHours(1));
        builder.Services.AddAkka(name, akka =>
        {
            if (user is not null) akka.AddHocon(user, HoconAddMode.Prepend);
            akka.AddHocon(fallback, HoconAddMode.Append);
            akka.ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = logLevel;
                loggers.ClearLoggers();
                loggers.AddLogger<LoggerFactoryBridge>();
            });
            configure?.Invoke(akka);
            akka.WithActors((system, registry) =>
            {
                if (stopCleanly is not null)
                {
                    var shutdown = CoordinatedShutdown.Get(system);
                    shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "signactors-stop-cleanly",
                        () => (signals?.Signal is { } signal ? stopCleanly(system, signal) : Task.CompletedTask).ContinueWith(_ => Akka.Done.Instance));
                }
                actors(system, registry);
            });
        });
        var host = builder.Build();
        ActorSystem system;
        try
        {
            // Created here rather than inside StartAsync, which would only log a failure (a port in use, a bad setting).
            system = host.Services.GetRequiredService<ActorSystem>();
            host.StartAsync().GetAwaiter().GetResult();
        }
        catch
        {
            host.Dispose();
            throw;
        }
        var started = new ActorSystemHost(host, system);
        signals?.Attach(host.Services.GetRequiredService<IHostApplicationLifetime>());
        return started;
    }

    /// <summary>Stops the host (CoordinatedShutdown: cluster leave, then the system) and waits for it.</summary>
    public void Stop()
    {
        _host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        _shutdown.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        if (!_shutdown.IsCompleted) Stop();
        _host.Dispose();
    }

    /// <summary>No console lifetime: <see cref="StopSignals"/> owns SIGINT and SIGTERM.</summary>
    sealed class SignalLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
