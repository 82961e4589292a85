using Microsoft.Extensions.Options;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary>The model card of the cached model, built once per model version (the test set is read only then).</summary>
internal sealed class ModelCardSource(IOptions<RestHostOptions> host, IOptions<ModelCardOptions> options, IOptions<CreditPredictorOptions> predictor)
{
    private readonly Lock _gate = new();
    private (GlobalModel Model, ModelCard Card)? _last;

    /// <summary>The card of <paramref name="current"/>, or why the configured test set cannot be used.</summary>
    public (ModelCard? Card, string? Problem) Get(CachedModel current)
    {
        lock (_gate)
        {
            if (_last is { } last && ReferenceEquals(last.Model, current.Model))
            {
                return (last.Card, null);
            }
        }

        CreditDataset? test = null;
        string name = options.Value.TestDataset;
        if (!string.IsNullOrEmpty(name))
        {
            (test, string? problem) = Load(current.Predictor.Schema, name);
            if (test is null)
            {
                return (null, problem);
            }
        }

        // The model kind is the session's, as the cached predictor was built with it (logistic regression or a perceptron).
        ModelCard card = ModelCard.Create(current.Model, current.Predictor.Schema, current.Predictor.Model, test, predictor.Value.Threshold);
        lock (_gate)
        {
            _last = (current.Model, card);
        }

        return (card, null);
    }

    private (CreditDataset? Data, string? Problem) Load(FeatureSchema schema, string name)
    {
        RestHostOptions settings = host.Value;
        (Microsoft.Win32.SafeHandles.SafeFileHandle? handle, string? error) = DatasetPathResolver.Open(settings.DataRoot, name, settings.MaxDatasetBytes);
        if (handle is null)
        {
            return (null, $"ModelCardOptions:TestDataset cannot be opened: {error}");
        }

        using var capped = new CappedReadStream(new FileStream(handle, FileAccess.Read, bufferSize: 64 * 1024), settings.MaxDatasetBytes);
        try
        {
            CreditDataset data = DatasetLoader.LoadCsv(capped, schema, settings.MaxDatasetRows);
            return capped.Exceeded ? (null, "ModelCardOptions:TestDataset grew past RestHostOptions:MaxDatasetBytes while it was read.") : (data, null);
        }
        catch (DatasetValidationException ex)
        {
            return (null, $"ModelCardOptions:TestDataset does not fit the schema '{schema.Name}': {ex.Problems.Count} problems, the first: {ex.Problems[0].Reason}");
        }
        catch (IOException)
        {
            return (null, "ModelCardOptions:TestDataset could not be read to the end.");
        }
    }
}
