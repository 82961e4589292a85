using System.Globalization;
using PrivateFl.ClientSdk;
using Spectre.Console;

namespace PrivateFl.Simulation;

/// <summary>
/// What the demo shows and writes about the released model: the fairness table on the test split, the model card
/// (JSON and Markdown) and, for logistic regression, the scorecard (JSON and CSV).
/// </summary>
internal static class ModelCardOutput
{
    /// <summary>Prints the fairness report of the card and writes the card and scorecard files; returns the paths written.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(GlobalModel model, FeatureSchema schema, ModelSpecification specification, CreditDataset test, double cutoff, string output, CancellationToken cancellationToken)
    {
        ModelCard card = ModelCard.Create(model, schema, specification, test, cutoff);
        Print(card.Fairness!);
        var written = new List<string>();
        async Task WriteFileAsync(string name, string text)
        {
            string path = Path.Combine(output, name);
            await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
            written.Add(path);
        }

        await WriteFileAsync("model-card.json", card.ToJson()).ConfigureAwait(false);
        await WriteFileAsync("model-card.md", card.ToMarkdown()).ConfigureAwait(false);
        if (specification.Kind == CreditModelKind.LogisticRegression)
        {
            // From the schema and weights, not a predictor: the scorecard is defined for any schema's logistic regression.
            CreditScorecard scorecard = CreditScorecard.Create(schema, model.Weights);
            await WriteFileAsync("scorecard.json", scorecard.ToJson()).ConfigureAwait(false);
            await WriteFileAsync("scorecard.csv", scorecard.ToCsv()).ConfigureAwait(false);
        }

        return written;
    }

    private static void Print(FairnessReport fairness)
    {
        // Short title and headers, explained in a note below: a piped console is 80 columns wide, and the table must fit.
        var table = new Table().Border(TableBorder.Rounded)
            .Title(string.Create(CultureInfo.InvariantCulture, $"Fairness on the test set (approved: P(default) < {fairness.Threshold:G3})"))
            .AddColumns("Column", "Group", "Rows", "Defaults", "Approved", "AUC", "Ratio");
        foreach (ProtectedColumnFairness column in fairness.Columns)
        {
            string ratio = column.ApprovalRateRatio.ToString("F3", CultureInfo.InvariantCulture) + (column.MeetsFourFifthsRule ? string.Empty : " [red](< 4/5)[/]");
            for (int g = 0; g < column.Groups.Count; g++)
            {
                ProtectedGroupMetrics group = column.Groups[g];
                table.AddRow(
                    g == 0 ? Markup.Escape(column.Column) : string.Empty,
                    Markup.Escape(group.Group),
                    group.Count.ToString(CultureInfo.InvariantCulture),
                    group.Defaults.ToString(CultureInfo.InvariantCulture),
                    group.ApprovalRate.ToString("F3", CultureInfo.InvariantCulture),
                    group.RocAuc is { } auc ? auc.ToString("F3", CultureInfo.InvariantCulture) : "n/a",
                    g == 0 ? ratio : string.Empty);
            }
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("Approved: approval rate at the cut-off; Ratio: lowest over highest approval rate of a column, flagged below 4/5. Protected columns are not model features.");
    }
}
