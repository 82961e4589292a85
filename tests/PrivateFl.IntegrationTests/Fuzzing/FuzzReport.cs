using System.Collections.Concurrent;
using System.Text;
using Grpc.Core;

namespace PrivateFl.IntegrationTests.Fuzzing;

/// <summary>What a fuzz run sent and got back: per request type, the count of each status, and every input that broke the property.</summary>
internal sealed class FuzzReport(ulong seed)
{
    private readonly ConcurrentDictionary<(string Target, StatusCode Status), int> _counts = new();
    private readonly ConcurrentQueue<string> _failures = new();

    public ulong Seed { get; } = seed;

    public IReadOnlyCollection<string> Failures => _failures;

    public int Inputs => _counts.Values.Sum();

    public TimeSpan Elapsed { get; set; }

    public void Count(string target, StatusCode status) => _counts.AddOrUpdate((target, status), 1, (_, n) => n + 1);

    public int InputsFor(string target) => _counts.Where(c => c.Key.Target == target).Sum(c => c.Value);

    public void Fail(string failure)
    {
        // Keep the first few in full; the rest only count.
        if (_failures.Count < 50)
        {
            _failures.Enqueue(failure);
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"seed {Seed}: {Inputs} inputs in {Elapsed.TotalSeconds:F1} s ({Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9):F0}/s), {_failures.Count} failures");
        foreach (IGrouping<string, KeyValuePair<(string Target, StatusCode Status), int>> target in _counts.GroupBy(c => c.Key.Target).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {target.Key}: {target.Sum(c => c.Value)} — {string.Join(", ", target.OrderBy(c => c.Key.Status).Select(c => $"{c.Key.Status} {c.Value}"))}");
        }

        foreach (string failure in _failures)
        {
            text.AppendLine(failure);
        }

        return text.ToString();
    }
}
