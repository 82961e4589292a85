using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace PrivateFl.IntegrationTests.Claims;

/// <summary>Keeps every log line, with its structured values and any exception, at every level.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(' ', pairs.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={Render(p.Value)}")))
                : string.Empty;
            lines.Enqueue($"{category} {logLevel} {eventId.Name}: {formatter(state, exception)} [{values}] {exception}");
        }

        private static string Render(object? value) => value switch
        {
            byte[] bytes => Convert.ToHexString(bytes) + " " + Convert.ToBase64String(bytes),
            ReadOnlyMemory<byte> memory => Convert.ToHexString(memory.Span) + " " + Convert.ToBase64String(memory.Span),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
        };
    }
}
