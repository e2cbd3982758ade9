"""The :class:`TextGAN` estimator: where scikit-learn and PyTorch meet."""

from __future__ import annotations

import os
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, DensityMixin, _fit_context, clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._device import device_memory_bytes, loadable_device, resolve_device
from ._labels import check_training_labels, encode_labels
from ._persistence import PARAMETERS_ADDED_LATER, fit_fingerprint, load_estimator, save_estimator
from ._tokenizer import (
    BOS_ID,
    EOS_ID,
    N_SPECIAL_TOKENS,
    PAD_ID,
    UNK_ID,
    TextTokenizer,
    text_lengths,
)
from ._validation import (
    MIN_TEMPERATURE,
    check_ids_fit_in_memory,
    check_parameters_fit_in_memory,
    check_random_state_argument,
    check_texts,
    is_token_id_array,
)
from .models import (
    DISCRIMINATORS,
    GENERATORS,
    build_discriminator,
    build_generator,
    class_begin_ids,
    count_parameters,
    end_unended,
    init_parameters,
    sample_sequences,
    set_random_generator,
    token_log_likelihood,
)
from .training import (
    LOSSES,
    OPTIMIZERS,
    TEMPERATURE_SCHEDULES,
    Checkpointer,
    EpochProgress,
    History,
    TrainingConfig,
    TrainingDivergedError,
    TrainingState,
    get_algorithm,
)
from .training._checkpoint import restore_common

__all__ = ["TextGAN"]

# A diverged model (non-finite weights) must still give GridSearchCV a number
# it can rank last, never NaN: NaN scores silently make it pick index 0.
_WORST_LOG_LIKELIHOOD = -1e10

_SEED_HIGH = 2**31 - 1

# Token ids size the embedding and output layers (largest id + 1 rows); an id
# beyond this is a mistake (hashed ids, a wrong column), not a vocabulary, and
# would ask for gigabytes before any error could be raised.
_MAX_TOKEN_ID = 2**24 - 1


# The settings that only shape the discriminator.
_DISCRIMINATOR_SETTINGS = (
    "discriminator_embedding_dim",
    "num_representations",
    "filter_sizes",
    "num_filters",
    "discriminator_dropout",
    "padding_id",
)


# Rates, norms and temperatures meet float32 tensors in the optimizers and the
# model: a larger value fails deep inside torch ("cannot be converted to type
# float without overflow") or turns every loss into NaN.
_LARGEST_FLOAT32 = float(np.finfo(np.float32).max)


class TextGAN(DensityMixin, BaseEstimator):
    """Generative model of text trained by maximum likelihood or adversarially.

    ``fit`` takes a list of str (or a 2-D array of token ids from a
    :class:`TextTokenizer`), trains a generator on it with the chosen
    ``algorithm`` and keeps it; ``sample`` writes new texts; ``score`` and
    ``score_samples`` give the generator's log-likelihood of texts.

    Parameters
    ----------
    tokenizer : transformer or None, default=None
        Turns texts into token ids; cloned and fitted in ``fit``. ``None``
        means ``TextTokenizer()`` (word level, lower-cased). Must have ``fit``,
        ``transform`` and ``inverse_transform``, a fitted ``vocabulary_`` (one
        entry per id: its size is the model's vocabulary size) and the id
        layout of :class:`TextTokenizer` (0 padding, 1 begin, 2 end, 3 unknown).
    algorithm : str, default="mle"
        Training algorithm, looked up in the registry
        ``sklearn_textgan.training.ALGORITHMS``. ``"mle"`` is maximum-likelihood
        (teacher-forced) training, the baseline every GAN is compared with.
        The GANs pretrain by maximum likelihood for ``pretrain_epochs``, then
        train adversarially: ``"seqgan"`` (policy gradient with Monte-Carlo
        rollout rewards), ``"maligan"`` (discriminator-weighted maximum
        likelihood), ``"relgan"`` (Gumbel-softmax relaxation), ``"dense"``
        (a reward at every token from a per-prefix discriminator, no rollouts).
    generator : str or None, default=None
        Generator architecture from ``sklearn_textgan.models.GENERATORS``
        (``"lstm"``, ``"rmc"`` relational memory, ``"transformer"``); ``None``
        takes the algorithm's default (``"rmc"`` for RelGAN, else ``"lstm"``).
    discriminator : str or None, default=None
        Discriminator architecture from ``sklearn_textgan.models.DISCRIMINATORS``
        (``"cnn"``, ``"lstm"``, ``"transformer"``); ``None`` takes the
        algorithm's default (``"lstm"`` for dense rewards, else ``"cnn"``).
        Unused by ``"mle"``.
    loss : str or None, default=None
        GAN loss from ``sklearn_textgan.training.LOSSES`` (``"minimax"``,
        ``"non_saturating"``, ``"rsgan"``, ``"wgan_gp"``, ``"hinge"``,
        ``"lsgan"``); ``None`` takes the algorithm's default (``"rsgan"`` for
        RelGAN, else ``"non_saturating"``). For the policy-gradient algorithms
        it is the discriminator's loss.
    embedding_dim : int, default=64
        Size of the token embeddings (generator and discriminator).
    hidden_dim : int, default=128
        Width of the generator's state (LSTM hidden size, relational memory
        size, Transformer feed-forward width) and of the discriminator.
    num_layers : int, default=1
        Number of stacked layers (recurrent layers, attention blocks).
    num_heads : int, default=2
        Attention heads of the relational-memory and Transformer modules.
    mem_slots : int, default=1
        Memory slots of the relational-memory generator.
    discriminator_embedding_dim : int or None, default=None
        Embedding width of the discriminator; ``None`` uses ``embedding_dim``.
    num_representations : int, default=1
        Representations of the CNN discriminator: its embedding is cut into
        this many slices, each read by the same network, each giving a logit
        (RelGAN used 64 of one column each from a 64-wide embedding).
    filter_sizes : tuple of int, default=(2, 3, 4, 5)
        Convolution widths of the CNN discriminator.
    num_filters : int, default=300
        Filters of each width in the CNN discriminator.
    dropout : float, default=0.0
        Dropout probability in the generator during training, and in the
        discriminator unless ``discriminator_dropout`` is set.
    discriminator_dropout : float or None, default=None
        Dropout probability in the discriminator during training; ``None``
        uses ``dropout``. The CNN discriminators of SeqGAN and RelGAN drop
        0.25 of their features while their generators drop nothing.
    max_length : int or None, default=None
        Longest text, in tokens, that the generator models and writes; longer
        texts are truncated (with a warning). ``None`` uses the longest
        training text. Every training text is padded to it, so a value whose
        padded ids exceed the machine's memory is a ValueError at fit.
    batch_size : int, default=64
        Texts per gradient step.
    pretrain_epochs : int, default=20
        Epochs of maximum-likelihood training (for GANs: pretraining).
    discriminator_pretrain_epochs : int, default=3
        Epochs of discriminator training on real versus generated text
        before the adversarial phase.
    adversarial_epochs : int, default=50
        Adversarial rounds, each one generator update then ``d_steps``
        discriminator updates; one ``history_`` record each.
    d_steps : int, default=5
        Discriminator updates per generator update.
    learning_rate : float, default=0.005
        Learning rate of the maximum-likelihood phase.
    adversarial_learning_rate : float, default=1e-4
        Learning rate of the generator in the adversarial phase.
    discriminator_learning_rate : float, default=1e-4
        Learning rate of the discriminator.
    n_rollouts : int, default=16
        Monte-Carlo completions per prefix for SeqGAN's rewards.
    gumbel_temperature : float, default=100.0
        RelGAN: the largest inverse temperature of the Gumbel-softmax, reached
        at the end of adversarial training.
    temperature_schedule : {"exp", "linear", "constant"}, default="exp"
        RelGAN: how the inverse temperature rises from 1 to
        ``gumbel_temperature``.
    optimizer : {"adam", "adamw"}, default="adam"
        Optimizer of every phase.
    clip_norm : float or None, default=5.0
        Largest gradient norm; ``None`` disables clipping.
    validation_fraction : float, default=0.1
        Fraction of the texts held out to measure the validation NLL, which
        drives learning-rate reduction, early stopping and the choice of the
        best epoch. ``0`` trains on everything for exactly
        ``pretrain_epochs`` epochs.
    n_iter_no_change : int or None, default=5
        Stop after this many epochs without improvement of the validation NLL;
        ``None`` never stops early.
    checkpoint_dir : str, path-like or None, default=None
        Folder where ``fit`` writes a checkpoint (modules, optimizers,
        schedulers, random states, history, the epoch reached) every
        ``checkpoint_every`` epochs, atomically. A ``fit`` that was killed and
        is started again with the same parameters and data resumes from it;
        with an int ``random_state`` the final model is then bit-identical (on
        the CPU) to that of an uninterrupted fit. The file name holds a
        fingerprint of the parameters and data, so other fits never resume
        from it (a warning says so). Deleted when ``fit`` completes; kept when
        it is interrupted. ``None`` writes no checkpoint.
    checkpoint_every : int, default=1
        Epochs (maximum-likelihood, discriminator and adversarial ones alike)
        between two checkpoints; unused without ``checkpoint_dir``.
    device : str, default="cpu"
        ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"auto"`` (CUDA when available).
    random_state : int, RandomState instance or None, default=None
        Seeds the validation split, initial weights, data order, dropout
        and (through ``sample``'s own ``random_state``) nothing else. With an
        int, two fits on the same data on the CPU give bit-identical models.
    verbose : int, default=0
        ``0`` is silent; ``1`` shows a progress bar per training phase with
        the latest losses when ``tqdm`` is installed (the ``progress`` extra)
        and one line per epoch otherwise; ``2`` always prints one line per
        epoch (losses, validation NLL, the diversity figure ``distinct_2``,
        learning rate).
    warm_start : bool, default=False
        When True and already fitted, ``fit`` continues training the existing
        generator (same tokenizer and ``max_length``) instead of starting anew.
        Changing ``tokenizer``, ``max_length`` or the architecture in between
        is an error; texts made mostly of unknown words give a warning. A fit
        that fails with an error, warm or not, leaves the fitted model as it
        was; divergence and Ctrl-C keep what was trained (see Reliability).

    Attributes
    ----------
    tokenizer_ : transformer or None
        The fitted tokenizer; ``None`` when fitted on token ids. A
        :class:`TextTokenizer` without a ``max_length`` of its own gets
        ``max_length_``, so that long texts are truncated while they are
        encoded and memory stays bounded.
    vocabulary_size_ : int
        Number of token ids the generator knows, special tokens included.
    max_length_ : int
        Longest text in tokens that the generator models.
    generator_ : torch.nn.Module
        The trained generator.
    discriminator_ : torch.nn.Module or None
        The trained discriminator (``None`` for ``"mle"``).
    classes_ : ndarray of shape (n_classes,)
        The class labels (styles) given as ``y`` to ``fit``, sorted; only set
        when fitted with labels.
    class_prior_ : ndarray of shape (n_classes,)
        Share of the training texts in each class, in the order of
        ``classes_``; only set when fitted with labels.
    device_ : torch.device
        Where the generator lives.
    history_ : History
        One record per epoch: phase (``"mle"``, ``"discriminator"``,
        ``"adversarial"``), epoch, losses, discriminator accuracy on real and on
        generated text, Gumbel inverse temperature, validation NLL,
        ``distinct_2`` (distinct bigrams over all bigrams of 64 samples, drawn
        with a random generator of their own so training is unchanged; a
        falling value is the sign of mode collapse), ``mean_length`` (tokens
        before the end token in the same samples, at most ``max_length_`` as
        in :meth:`sample`; a generator that learns to
        end early, or never to end, shows it here), learning rate,
        ``skipped_steps`` (updates skipped because their loss or gradient was
        not finite), seconds. ``history_["valid_nll"]`` is a column.

    Notes
    -----
    **Saving.** :meth:`save` and :meth:`load` use a file format that cannot run
    code when loaded (JSON and tensors); use them to share models. Pickle and
    joblib work too (``GridSearchCV`` with ``n_jobs > 1`` relies on them), but
    loading a pickle can run arbitrary code: unpickle only files you trust.

    **Conditional generation.** ``fit(X, y)`` with one label per text trains
    a class-conditional generator: the text of class k starts from its own
    begin token (an extra input embedding row), so ``sample(n, y=label)``
    writes text of that class, ``score_samples(X, y)`` gives ``log p(x | y)``,
    and ``predict_proba`` / ``predict`` classify the style of texts by Bayes
    rule. A GAN's discriminator gets a class head trained on real text
    (CatGAN-style); the generator uses it as follows: ``"relgan"`` adds the
    class head's cross-entropy on its relaxed samples; ``"seqgan"`` and
    ``"maligan"`` multiply their rewards (weights) by the class head's
    probability of the requested class; ``"dense"`` keeps realism-only
    per-token rewards and relies on the conditional generator. With
    ``y=None`` everything is exactly the unconditional model.
    ``GridSearchCV`` with ``y`` needs ``cv=StratifiedKFold(...)`` (an int
    gives unstratified folds, since this is not a classifier) and then
    maximises ``score(X, y)``, the conditional log-likelihood per token.

    **Reliability.** A training step whose loss or gradient is not finite is
    skipped and counted in ``history_``; three in a row restore the last good
    weights and lower the learning rate tenfold; when that fails three times,
    ``fit`` raises :class:`~sklearn_textgan.training.TrainingDivergedError`
    and the estimator keeps the last good model, fitted and usable. Pressing
    Ctrl-C (``KeyboardInterrupt``) stops ``fit`` with a warning and leaves the
    model trained so far, with its history.

    See Also
    --------
    TextTokenizer : The default tokenizer.
    sklearn.neighbors.KernelDensity : The same fit/sample/score interface for
        continuous data.

    Examples
    --------
    >>> from sklearn_textgan import TextGAN
    >>> texts = ["the cat sat.", "the dog ran.", "a cat ran.", "a dog sat."] * 10
    >>> gan = TextGAN(embedding_dim=8, hidden_dim=16, pretrain_epochs=3, random_state=0)
    >>> gan = gan.fit(texts)
    >>> samples = gan.sample(3, random_state=0)
    >>> len(samples), all(isinstance(text, str) for text in samples)
    (3, True)
    >>> gan.score_samples(["the cat sat."]).shape
    (1,)
    >>> bool(gan.score(texts) < 0)
    True
    """

    _parameter_constraints: dict = {
        "tokenizer": [HasMethods(["fit", "transform", "inverse_transform"]), None],
        "algorithm": [str],
        "generator": [StrOptions(set(GENERATORS)), None],
        "discriminator": [StrOptions(set(DISCRIMINATORS)), None],
        "loss": [StrOptions(set(LOSSES)), None],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "hidden_dim": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "num_heads": [Interval(Integral, 1, None, closed="left")],
        "mem_slots": [Interval(Integral, 1, None, closed="left")],
        "discriminator_embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "num_representations": [Interval(Integral, 1, None, closed="left")],
        "filter_sizes": [tuple, list],
        "num_filters": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "discriminator_dropout": [Interval(Real, 0, 1, closed="left"), None],
        "max_length": [Interval(Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "pretrain_epochs": [Interval(Integral, 0, None, closed="left")],
        "discriminator_pretrain_epochs": [Interval(Integral, 0, None, closed="left")],
        "adversarial_epochs": [Interval(Integral, 0, None, closed="left")],
        "d_steps": [Interval(Integral, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, _LARGEST_FLOAT32, closed="neither")],
        "adversarial_learning_rate": [Interval(Real, 0, _LARGEST_FLOAT32, closed="neither")],
        "discriminator_learning_rate": [Interval(Real, 0, _LARGEST_FLOAT32, closed="neither")],
        "n_rollouts": [Interval(Integral, 1, None, closed="left")],
        "gumbel_temperature": [Interval(Real, 1, _LARGEST_FLOAT32, closed="left")],
        "temperature_schedule": [StrOptions(set(TEMPERATURE_SCHEDULES))],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "clip_norm": [Interval(Real, 0, _LARGEST_FLOAT32, closed="neither"), None],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "checkpoint_dir": [str, os.PathLike, None],
        "checkpoint_every": [Interval(Integral, 1, None, closed="left")],
        "device": [str, torch.device],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        *,
        tokenizer=None,
        algorithm="mle",
        generator=None,
        discriminator=None,
        loss=None,
        embedding_dim=64,
        hidden_dim=128,
        num_layers=1,
        num_heads=2,
        mem_slots=1,
        discriminator_embedding_dim=None,
        num_representations=1,
        filter_sizes=(2, 3, 4, 5),
        num_filters=300,
        dropout=0.0,
        discriminator_dropout=None,
        max_length=None,
        batch_size=64,
        pretrain_epochs=20,
        discriminator_pretrain_epochs=3,
        adversarial_epochs=50,
        d_steps=5,
        learning_rate=0.005,
        adversarial_learning_rate=1e-4,
        discriminator_learning_rate=1e-4,
        n_rollouts=16,
        gumbel_temperature=100.0,
        temperature_schedule="exp",
        optimizer="adam",
        clip_norm=5.0,
        validation_fraction=0.1,
        n_iter_no_change=5,
        checkpoint_dir=None,
        checkpoint_every=1,
        device="cpu",
        random_state=None,
        verbose=0,
        warm_start=False,
    ):
        self.tokenizer = tokenizer
        self.algorithm = algorithm
        self.generator = generator
        self.discriminator = discriminator
        self.loss = loss
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.num_heads = num_heads
        self.mem_slots = mem_slots
        self.discriminator_embedding_dim = discriminator_embedding_dim
        self.num_representations = num_representations
        self.filter_sizes = filter_sizes
        self.num_filters = num_filters
        self.dropout = dropout
        self.discriminator_dropout = discriminator_dropout
        self.max_length = max_length
        self.batch_size = batch_size
        self.pretrain_epochs = pretrain_epochs
        self.discriminator_pretrain_epochs = discriminator_pretrain_epochs
        self.adversarial_epochs = adversarial_epochs
        self.d_steps = d_steps
        self.learning_rate = learning_rate
        self.adversarial_learning_rate = adversarial_learning_rate
        self.discriminator_learning_rate = discriminator_learning_rate
        self.n_rollouts = n_rollouts
        self.gumbel_temperature = gumbel_temperature
        self.temperature_schedule = temperature_schedule
        self.optimizer = optimizer
        self.clip_norm = clip_norm
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.checkpoint_dir = checkpoint_dir
        self.checkpoint_every = checkpoint_every
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    def set_params(self, **params) -> TextGAN:
        """Set the parameters of this estimator, and of its tokenizer with ``tokenizer__<name>``.

        ``tokenizer=None`` stands for ``TextTokenizer()``, so a tokenizer
        parameter set while it is None (``tokenizer__level="char"``, as
        ``GridSearchCV`` sets it) goes to a new ``TextTokenizer``.

        Returns
        -------
        self : TextGAN
            The estimator.

        Examples
        --------
        >>> from sklearn_textgan import TextGAN
        >>> TextGAN().set_params(tokenizer__level="char").tokenizer
        TextTokenizer(level='char')
        """
        tokenizer_params = any(key.startswith("tokenizer__") for key in params)
        if tokenizer_params and params.get("tokenizer", self.tokenizer) is None:
            params = {**params, "tokenizer": TextTokenizer()}
        return super().set_params(**params)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.target_tags.required = False
        return tags

    # ------------------------------------------------------------------ fit

    # Not skipped: the tokenizer's parameters are validated when it is fitted here.
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None) -> TextGAN:
        """Train the generator on texts.

        Parameters
        ----------
        X : list of str, 1-D array of str, or 2-D int array of shape (n_texts, width)
            Training texts, or token ids in the layout of
            :meth:`TextTokenizer.transform` (then ``sample`` returns ids too).
        y : array-like of shape (n_texts,) or None, default=None
            One class label (style) per text: str, int or bool. With labels,
            the generator is class-conditional (``sample(..., y=label)``) and
            the discriminator of a GAN also learns to tell the classes apart;
            ``classes_`` records them. ``None`` trains the unconditional model.

        Returns
        -------
        self : TextGAN
            The fitted estimator.
        """
        # A fit that fails (bad y, a bad setting found late, an error while
        # training a new model) must not leave a fitted model half replaced:
        # a new tokenizer decoding the old generator would sample nonsense.
        fitted_before = _fitted_attributes(self)
        # A warm start trains the fitted modules and history in place: keep copies.
        trained_before = _trained_state(fitted_before) if self.warm_start else None
        try:
            return self._fit(X, y)
        except TrainingDivergedError:
            raise  # it keeps the last good weights on purpose (see below)
        except BaseException:
            _restore_fitted_attributes(self, fitted_before, trained_before)
            raise

    def _fit(self, X, y) -> TextGAN:
        _check_filter_sizes(self.filter_sizes)
        algorithm_class = get_algorithm(self.algorithm)
        device = resolve_device(self.device)
        rng = check_random_state(self.random_state)
        continuing = self.warm_start and hasattr(self, "generator_")
        if continuing and (y is None) != (not self._is_conditional()):
            raise ValueError(
                "warm_start=True continues the fitted model, which was fitted "
                + ("with" if self._is_conditional() else "without")
                + " labels: fit it "
                + ("with y" if self._is_conditional() else "with y=None")
                + " too, or set warm_start=False to train a new model."
            )

        if continuing:
            self._check_same_encoding()
            ids = self._encode(X)
            _warn_if_mostly_unknown(ids)
        else:
            ids = self._encode_and_fit_vocabulary(X)
        targets = self._to_targets(ids)
        labels, classes = None, None
        if y is not None:
            classes, labels = check_training_labels(y, len(targets))
            if continuing and not _same_classes(classes, self.classes_):
                raise ValueError(
                    f"warm_start=True cannot change the classes: fitted with "
                    f"{self.classes_.tolist()!r}, y has {classes.tolist()!r}."
                )

        split_seed, torch_seed = (int(seed) for seed in rng.randint(0, _SEED_HIGH, size=2))
        checkpointer, resume = None, None
        if self.checkpoint_dir is not None:
            # A warm start resumes only from the weights it started with.
            start = (
                {"generator": self.generator_, "discriminator": self.discriminator_}
                if continuing
                else None
            )
            checkpointer = Checkpointer(
                self.checkpoint_dir,
                every=self.checkpoint_every,
                fingerprint=fit_fingerprint(self, targets, device, start, labels),
                metadata={"seeds": [split_seed, torch_seed]},
            )
            checkpointer.prepare()
            resume = checkpointer.load()
            if resume is not None:
                # The killed fit's seeds: with random_state=None this fit drew others.
                split_seed, torch_seed = (int(seed) for seed in resume["metadata"]["seeds"])
                checkpointer.metadata = resume["metadata"]
                self._log(
                    f"resuming from {checkpointer.path} ({resume['stage']} phase, "
                    f"after epoch {resume['epoch']})"
                )
        train_index, valid_index = self._split(len(targets), np.random.RandomState(split_seed))
        train = targets[train_index]
        valid = None if valid_index is None else targets[valid_index]
        cpu_generator = torch.Generator().manual_seed(torch_seed)
        device_generator = torch.Generator(device=device).manual_seed(torch_seed)

        fitted = self._architecture_ if continuing else {}
        generator_name = (
            self.generator or fitted.get("generator") or algorithm_class.default_generator
        )
        if algorithm_class.default_discriminator is None:
            # No need for one ("mle"): a trained one is kept, a named one is not
            # built (an untrained one would be saved, and would fix the
            # architecture of a GAN warm-started from this model).
            discriminator_name = fitted.get("discriminator")
        else:
            discriminator_name = (
                self.discriminator
                or fitted.get("discriminator")
                or algorithm_class.default_discriminator
            )
        num_classes = 0 if classes is None else len(classes)
        if continuing and fitted["discriminator"] is not None:
            # A trained discriminator keeps the padding embedding it learned with.
            padding_id = fitted["settings"].get("padding_id")
        else:
            padding_id = PAD_ID if algorithm_class.zero_padding_embedding else None
        architecture = self._architecture(
            generator_name, discriminator_name, num_classes, padding_id
        )
        if continuing:
            # A warm start may add a discriminator (pretrain by "mle", then continue
            # with a GAN) but may not change what was already trained.
            # Without a trained discriminator, its settings are still free.
            free = _DISCRIMINATOR_SETTINGS if fitted["discriminator"] is None else ()
            changed = [
                key
                for key in ("generator", "discriminator")
                if fitted[key] not in (None, architecture[key])
            ]
            before, now = (_effective_settings(a["settings"]) for a in (fitted, architecture))
            # A setting absent on one side is unset there (None).
            compared = (before.keys() | now.keys()) - set(free)
            if any(before.get(key) != now.get(key) for key in compared):
                changed.append("settings")
            if changed:
                raise ValueError(
                    "warm_start=True cannot change the trained architecture "
                    f"({', '.join(changed)}): fitted with {fitted}, now {architecture}; "
                    "set warm_start=False to train a new model."
                )
        module = self.generator_.to(device) if continuing else None
        discriminator = self.discriminator_ if continuing else None
        new_modules = {}
        if module is None:
            new_modules["generator"] = (build_generator, generator_name)
        if discriminator is None and discriminator_name is not None:
            new_modules["discriminator"] = (build_discriminator, discriminator_name)
        _check_modules_fit_in_memory(new_modules, architecture["settings"], device)
        if module is None:
            module = build_generator(generator_name, **architecture["settings"])
            init_parameters(module, cpu_generator)
            module = module.to(device)
        if discriminator is None and discriminator_name is not None:
            discriminator = build_discriminator(discriminator_name, **architecture["settings"])
            init_parameters(discriminator, cpu_generator)
        if discriminator is not None:
            discriminator = discriminator.to(device)
        history = self.history_ if continuing else History()
        n_records_before = len(history)
        algorithm_class.check_components(module, discriminator)
        for part in (module, discriminator):
            if part is not None:
                set_random_generator(part, device_generator)

        progress = EpochProgress(self.verbose, log=self._log)
        state = TrainingState(
            generator=module,
            device=device,
            train=torch.as_tensor(train, device=device),
            valid=None if valid is None else torch.as_tensor(valid, device=device),
            shuffle_generator=cpu_generator,
            random_generator=device_generator,
            history=history,
            log=progress.message,
            progress=progress,
            discriminator=discriminator,
            checkpointer=checkpointer,
            # Its own seed, derived from the fit's: the diversity samples never
            # touch the training random streams.
            monitor_seed=int(np.random.SeedSequence([torch_seed, 1]).generate_state(1)[0]),
        )
        if labels is not None:
            state.train_labels = torch.as_tensor(labels[train_index], device=device)
            if valid_index is not None:
                state.valid_labels = torch.as_tensor(labels[valid_index], device=device)
        # Set before training: an interrupted or diverged fit keeps a usable model.
        self._set_classes(classes, labels)
        if resume is not None:
            restore_common(state, resume)
        interrupted = False
        try:
            algorithm_class(self._training_config()).fit(state)
        except KeyboardInterrupt:
            interrupted = True
        except TrainingDivergedError:
            # The loop left the last good weights in place: keep them usable.
            self._set_trained(module, discriminator, architecture, device, state.history)
            raise
        finally:
            progress.close()
            for part in (module, discriminator):
                if part is not None:
                    set_random_generator(part, None)
                    part.eval()
        self._set_trained(module, discriminator, architecture, device, state.history)
        if interrupted:
            n_epochs = len(state.history) - n_records_before
            resumable = checkpointer is not None and checkpointer.path.exists()
            warnings.warn(
                f"Training was interrupted (KeyboardInterrupt) after {n_epochs} complete "
                "epoch(s) of this fit; the estimator holds the model trained so far and its "
                "history."
                + (
                    " Fit again with the same arguments to resume from the last checkpoint."
                    if resumable
                    else ""
                ),
                UserWarning,
                stacklevel=2,
            )
        elif checkpointer is not None:
            checkpointer.remove()
        return self

    def _check_same_encoding(self) -> None:
        """A warm start keeps the fitted tokenizer and length: refuse a change of either."""
        changed = []
        if self.max_length is not None and self.max_length != self.max_length_:
            changed.append(f"max_length (fitted: {self.max_length_}, now {self.max_length})")
        if self.tokenizer_ is not None:
            wanted = self.tokenizer if self.tokenizer is not None else TextTokenizer()
            if _tokenizer_settings(wanted) != _tokenizer_settings(self.tokenizer_):
                changed.append(f"tokenizer (fitted: {self.tokenizer_!r}, now {wanted!r})")
        if changed:
            raise ValueError(
                f"warm_start=True keeps the fitted vocabulary and length, so it cannot change "
                f"{' or '.join(changed)}; set warm_start=False to train a new model."
            )

    def _set_classes(self, classes: np.ndarray | None, labels: np.ndarray | None) -> None:
        if classes is None:
            # A refit without labels: the model is unconditional again.
            for name in ("classes_", "class_prior_"):
                self.__dict__.pop(name, None)
            return
        self.classes_ = classes
        self.class_prior_ = np.bincount(labels, minlength=len(classes)) / len(labels)

    def _is_conditional(self) -> bool:
        return hasattr(self, "classes_")

    def _set_trained(self, generator, discriminator, architecture, device, history) -> None:
        self.generator_ = generator
        self.discriminator_ = discriminator
        self._architecture_ = architecture
        self.device_ = device
        self.history_ = history

    def _training_config(self) -> TrainingConfig:
        return TrainingConfig(
            batch_size=self.batch_size,
            pretrain_epochs=self.pretrain_epochs,
            learning_rate=self.learning_rate,
            optimizer=self.optimizer,
            clip_norm=self.clip_norm,
            n_iter_no_change=self.n_iter_no_change,
            bos_id=BOS_ID,
            eos_id=EOS_ID,
            pad_id=PAD_ID,
            loss=self.loss,
            discriminator_pretrain_epochs=self.discriminator_pretrain_epochs,
            adversarial_epochs=self.adversarial_epochs,
            d_steps=self.d_steps,
            adversarial_learning_rate=self.adversarial_learning_rate,
            discriminator_learning_rate=self.discriminator_learning_rate,
            n_rollouts=self.n_rollouts,
            gumbel_temperature=self.gumbel_temperature,
            temperature_schedule=self.temperature_schedule,
        )

    def _architecture(
        self,
        generator_name: str,
        discriminator_name: str | None,
        num_classes: int = 0,
        padding_id: int | None = None,
    ) -> dict:
        """Everything needed to rebuild the modules: names and shared settings.

        ``padding_id``: the id the discriminator embeds as zeros (None: it
        learns an embedding for padding too).
        """
        architecture = {
            "generator": generator_name,
            "discriminator": discriminator_name,
            "settings": {
                "vocab_size": int(self.vocabulary_size_),
                "embedding_dim": int(self.embedding_dim),
                "hidden_dim": int(self.hidden_dim),
                "num_layers": int(self.num_layers),
                "num_heads": int(self.num_heads),
                "mem_slots": int(self.mem_slots),
                "discriminator_embedding_dim": self.discriminator_embedding_dim,
                "num_representations": int(self.num_representations),
                "filter_sizes": tuple(int(size) for size in self.filter_sizes),
                "num_filters": (int(self.num_filters),) * len(self.filter_sizes),
                "dropout": float(self.dropout),
                "max_length": int(self.max_length_),
            },
        }
        if self.discriminator_dropout is not None:
            # Only when set, as below: other architectures stay as they were saved.
            architecture["settings"]["discriminator_dropout"] = float(self.discriminator_dropout)
        if num_classes:
            # Only when conditional: unconditional architectures (and the files and
            # fingerprints that hold them) stay exactly as they were.
            architecture["settings"]["num_classes"] = int(num_classes)
        if padding_id is not None and discriminator_name is not None:
            # Only when set, for the same reason.
            architecture["settings"]["padding_id"] = int(padding_id)
        return architecture

    def _split(self, n_texts: int, rng: np.random.RandomState):
        """Indices of the training and validation texts (None: no validation)."""
        n_valid = int(np.floor(self.validation_fraction * n_texts))
        if self.validation_fraction > 0 and n_texts >= 2:
            n_valid = max(1, n_valid)
        if n_valid == 0:
            return np.arange(n_texts), None
        order = rng.permutation(n_texts)
        return order[n_valid:], order[:n_valid]

    def _log(self, message: str) -> None:
        if self.verbose:
            print(message, flush=True)

    # ------------------------------------------------------------ encoding

    def _encode_and_fit_vocabulary(self, X) -> np.ndarray:
        """Encode training input, fitting a clone of the tokenizer on texts; set ``max_length_``."""
        truncates = False
        if is_token_id_array(X):
            ids = _check_ids(X)
            largest = int(ids.max(initial=0))
            if largest > _MAX_TOKEN_ID:
                raise ValueError(
                    f"Token id {largest} is too large: ids must be at most {_MAX_TOKEN_ID}, "
                    "since the largest id sets the vocabulary size (and the size of the "
                    "embedding and output layers). Map the ids to a compact range."
                )
            self.tokenizer_ = None
            self.vocabulary_size_ = max(N_SPECIAL_TOKENS, largest + 1)
        else:
            texts = check_texts(X)
            tokenizer = clone(self.tokenizer) if self.tokenizer is not None else TextTokenizer()
            truncates = isinstance(tokenizer, TextTokenizer) and tokenizer.max_length is None
            if truncates and self.max_length is not None:
                # Truncated while encoded: a few huge texts never make a huge id matrix.
                tokenizer.set_params(max_length=self.max_length)
            produced = tokenizer.fit_transform(texts)
            try:
                ids = np.asarray(produced)
            except ValueError:  # ragged rows
                ids = None
            if ids is None or not is_token_id_array(ids):
                raise TypeError(
                    "tokenizer must turn texts into a 2-D int array of token ids in the layout "
                    f"of TextTokenizer; {type(tokenizer).__name__}.fit_transform gave "
                    f"{type(produced).__name__}."
                )
            ids = _check_ids(ids)
            vocabulary = getattr(tokenizer, "vocabulary_", None)
            if not hasattr(vocabulary, "__len__"):
                raise TypeError(
                    f"tokenizer must have a vocabulary_ after fit, one entry per token id (as "
                    f"TextTokenizer has); {type(tokenizer).__name__} has none. To train on ids "
                    "made elsewhere, pass the 2-D id array to fit instead of texts."
                )
            largest = int(ids.max(initial=0))
            if largest >= len(vocabulary):
                raise ValueError(
                    f"tokenizer gave token id {largest}, but its vocabulary_ has "
                    f"{len(vocabulary)} entries: ids must be below the vocabulary size."
                )
            self.tokenizer_ = tokenizer
            self.vocabulary_size_ = int(len(vocabulary))
        lengths = text_lengths(ids)
        if not (lengths > 0).any():
            raise ValueError("All texts are empty after tokenization: there is nothing to learn.")
        self.max_length_ = max(
            1, int(self.max_length if self.max_length is not None else lengths.max(initial=0))
        )
        if self.tokenizer_ is not None and truncates:
            # Texts scored later are truncated while encoded too.
            self.tokenizer_.set_params(max_length=self.max_length_)
        return ids

    def _encode(self, X) -> np.ndarray:
        """Encode input for a fitted model; unknown ids map to the unknown token."""
        if is_token_id_array(X):
            ids = _check_ids(X).copy()
            ids[ids >= self.vocabulary_size_] = UNK_ID
            return ids
        if self.tokenizer_ is None:
            raise TypeError(
                "This TextGAN was fitted on token ids, so it scores token ids: pass a 2-D "
                "int array (for texts, fit it on texts or put the tokenizer in a Pipeline)."
            )
        texts = check_texts(X)
        return _check_ids(self.tokenizer_.transform(texts))

    def _to_targets(self, ids: np.ndarray) -> np.ndarray:
        """Rows of exactly ``max_length_ + 1`` ids: tokens, end token, padding."""
        lengths = text_lengths(ids)
        too_long = int((lengths > self.max_length_).sum())
        if too_long:
            warnings.warn(
                f"{too_long} text(s) longer than max_length={self.max_length_} tokens "
                "were truncated.",
                UserWarning,
                stacklevel=3,
            )
        width = self.max_length_ + 1
        check_ids_fit_in_memory(
            len(ids),
            width,
            what=f"max_length={self.max_length_}",
            advice=f"set max_length near the longest text's {int(lengths.max())} tokens",
        )
        lengths = np.minimum(lengths, self.max_length_)
        padded = np.full((len(ids), width), PAD_ID, dtype=np.int64)
        columns = min(width, ids.shape[1])
        padded[:, :columns] = ids[:, :columns]
        padded[np.arange(width)[None, :] >= lengths[:, None]] = PAD_ID
        padded[np.arange(len(ids)), lengths] = EOS_ID
        return padded

    # -------------------------------------------------------------- scoring

    def _sum_log_likelihoods(self, targets: np.ndarray, classes: np.ndarray | None) -> np.ndarray:
        """Log-likelihood of each row of ``targets``, given its class index when ``classes``."""
        sums = np.empty(len(targets), dtype=np.float64)
        module = self.generator_
        module.eval()
        batch = 1024
        with torch.no_grad():
            for start in range(0, len(targets), batch):
                chunk = torch.as_tensor(targets[start : start + batch], device=self.device_)
                bos_id = BOS_ID
                if classes is not None:
                    labels = torch.as_tensor(classes[start : start + batch], device=self.device_)
                    bos_id = class_begin_ids(module, labels)
                token_ll = token_log_likelihood(module, chunk, bos_id=bos_id, pad_id=PAD_ID)
                sums[start : start + batch] = token_ll.double().sum(dim=1).cpu().numpy()
        if not np.isfinite(sums).all():
            warnings.warn(
                "The generator gives non-finite log-likelihoods (it has diverged); "
                f"they are reported as {_WORST_LOG_LIKELIHOOD:g}.",
                RuntimeWarning,
                stacklevel=4,
            )
            sums = np.where(np.isfinite(sums), sums, _WORST_LOG_LIKELIHOOD)
        return sums

    def _class_log_likelihoods(self, targets: np.ndarray) -> np.ndarray:
        """log p(x | k) of every text and class, shape (n_texts, n_classes)."""
        return np.stack(
            [
                self._sum_log_likelihoods(targets, np.full(len(targets), k, dtype=np.int64))
                for k in range(len(self.classes_))
            ],
            axis=1,
        )

    def _log_prior(self) -> np.ndarray:
        # A class absent from training has prior 0; log 0 = -inf is what Bayes rule wants.
        with np.errstate(divide="ignore"):
            return np.log(self.class_prior_)

    def _token_log_likelihoods(self, X, y=None) -> tuple[np.ndarray, np.ndarray]:
        """Log-likelihood of each text (conditional on ``y``, else marginal) and its token count."""
        check_is_fitted(self, "generator_")
        targets = self._to_targets(self._encode(X))
        counts = (targets != PAD_ID).sum(axis=1)
        if not self._is_conditional():
            if y is not None:
                raise ValueError(
                    "This TextGAN was fitted without labels, so it has no class-conditional "
                    "likelihood: pass y=None (or fit it with y)."
                )
            return self._sum_log_likelihoods(targets, None), counts
        if y is not None:
            classes = encode_labels(y, self.classes_, len(targets), allow_scalar=False)
            return self._sum_log_likelihoods(targets, classes), counts
        # Marginal over the classes: log p(x) = logsumexp_k log p(x | k) + log p(k).
        joint = self._class_log_likelihoods(targets) + self._log_prior()
        return logsumexp(joint, axis=1), counts

    def score_samples(self, X, y=None) -> np.ndarray:
        """Log-likelihood of each text under the generator.

        The end token is part of each text, so this is the log-probability that
        the generator writes exactly that text. Words outside the vocabulary
        count as the unknown token; texts longer than ``max_length_`` are
        truncated (with a warning).

        Parameters
        ----------
        X : list of str or 2-D int array
            Texts, or token ids when the model was fitted on ids.
        y : array-like of shape (n_texts,) or None, default=None
            Class labels of a model fitted with labels: then ``log p(x | y)``.
            ``None`` on such a model gives the marginal
            ``log p(x) = logsumexp_k (log p(x | k) + log class_prior_[k])``.
            Must be ``None`` for a model fitted without labels.

        Returns
        -------
        log_likelihood : ndarray of shape (n_texts,)
            Natural-log likelihood of each text; always finite.
        """
        sums, _ = self._token_log_likelihoods(X, y)
        return sums

    def score(self, X, y=None) -> float:
        """Mean log-likelihood per token (end token included); higher is better.

        This is minus the held-out NLL per token (``NLL_test``) when ``X`` is
        held-out data. It is what ``GridSearchCV`` maximises by default.

        Parameters
        ----------
        X : list of str or 2-D int array
            Texts, or token ids when the model was fitted on ids.
        y : array-like of shape (n_texts,) or None, default=None
            Class labels of a model fitted with labels: the score is then the
            conditional log-likelihood ``log p(x | y)`` per token (what
            ``GridSearchCV`` with ``y`` maximises); ``None`` on such a model
            scores the marginal ``log p(x)``. Must be ``None`` for a model
            fitted without labels.

        Returns
        -------
        score : float
            Always finite.
        """
        sums, counts = self._token_log_likelihoods(X, y)
        return float(sums.sum() / max(1, counts.sum()))

    # ------------------------------------------------------ classification

    def _check_classifier(self) -> None:
        check_is_fitted(self, "generator_")
        if not self._is_conditional():
            raise ValueError(
                "This TextGAN was fitted without labels: fit it with y (one class per "
                "text) to classify texts."
            )

    def predict_log_proba(self, X) -> np.ndarray:
        """Log-probability of each class for each text, by Bayes rule.

        ``log p(k | x) = log p(x | k) + log class_prior_[k] - log p(x)``, with
        the class-conditional likelihoods of the generator: the model is a
        generative classifier of style.

        Parameters
        ----------
        X : list of str or 2-D int array
            Texts, or token ids when the model was fitted on ids.

        Returns
        -------
        log_proba : ndarray of shape (n_texts, n_classes)
            Columns in the order of ``classes_``.
        """
        self._check_classifier()
        targets = self._to_targets(self._encode(X))
        joint = self._class_log_likelihoods(targets) + self._log_prior()
        return joint - logsumexp(joint, axis=1, keepdims=True)

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each class (style) for each text, by Bayes rule.

        The class-conditional likelihoods of the generator and the training
        class frequencies ``class_prior_`` give ``p(k | x)``. This generative
        classifier works for every ``algorithm`` (``"mle"`` has no
        discriminator) and, measured on held-out real text, it classifies at
        least as well as a GAN discriminator's class head (COCO captions versus
        news sentences: 0.999 against 0.996, ``benchmarks/bench_style.py``).

        Parameters
        ----------
        X : list of str or 2-D int array
            Texts, or token ids when the model was fitted on ids.

        Returns
        -------
        proba : ndarray of shape (n_texts, n_classes)
            Rows sum to 1; columns in the order of ``classes_``.

        Examples
        --------
        >>> from sklearn_textgan import TextGAN
        >>> texts = ["the cat sat .", "a dog ran ."] * 10 + ["buy now , save big !"] * 20
        >>> y = ["story"] * 20 + ["ad"] * 20
        >>> gan = TextGAN(embedding_dim=8, hidden_dim=16, pretrain_epochs=5, random_state=0)
        >>> gan = gan.fit(texts, y)
        >>> gan.classes_.tolist()
        ['ad', 'story']
        >>> gan.predict(["the dog sat .", "save big !"]).tolist()
        ['story', 'ad']
        >>> gan.predict_proba(["the dog sat ."]).sum(axis=1)
        array([1.])
        """
        return np.exp(self.predict_log_proba(X))

    def predict(self, X) -> np.ndarray:
        """The most probable class (style) of each text, from :meth:`predict_proba`.

        Parameters
        ----------
        X : list of str or 2-D int array
            Texts, or token ids when the model was fitted on ids.

        Returns
        -------
        labels : ndarray of shape (n_texts,)
            Elements of ``classes_``.
        """
        best = np.argmax(self.predict_log_proba(X), axis=1)
        return self.classes_[best]

    def _discriminator_class_proba(self, X) -> np.ndarray:
        """Class probabilities from the discriminator's class head (a GAN fitted with labels).

        Kept for measurement: :meth:`predict_proba` (Bayes rule) is the better classifier.
        """
        self._check_classifier()
        if self.discriminator_ is None:
            raise ValueError(f"algorithm={self.algorithm!r} trained no discriminator.")
        targets = torch.as_tensor(self._to_targets(self._encode(X)), device=self.device_)
        self.discriminator_.eval()
        with torch.no_grad():
            logits = torch.cat(
                [
                    self.discriminator_.class_logits(targets[start : start + 1024])
                    for start in range(0, len(targets), 1024)
                ]
            )
        return torch.softmax(logits.double(), dim=1).cpu().numpy()

    # ------------------------------------------------------------- sampling

    def sample(
        self,
        n_samples: int = 1,
        temperature: float = 1.0,
        random_state=None,
        y=None,
        *,
        return_labels: bool = False,
    ):
        """Generate new texts, of given classes for a model fitted with labels.

        Parameters
        ----------
        n_samples : int, default=1
            Number of texts; more than the machine's memory holds as token
            ids is a ValueError.
        temperature : float, default=1.0
            Softmax temperature: below 1 favours likely tokens (quality), above
            1 spreads probability (diversity). At least 1e-6, where sampling
            is already greedy. The padding and begin tokens are never drawn.
        random_state : int, RandomState instance or None, default=None
            Seed of the sampling; the same int gives the same texts.
        y : label, array-like of shape (n_samples,) or None, default=None
            Class (style) of the texts, for a model fitted with labels: one
            label for all texts or one per text; labels not in ``classes_`` are
            a ValueError. ``None`` on such a model draws each text's class from
            the training class frequencies ``class_prior_`` (with
            ``random_state``), so the samples follow the training mix of
            styles. Must be ``None`` for a model fitted without labels.
        return_labels : bool, default=False
            Also return the class of each text (drawn or given), for a model
            fitted with labels.

        Returns
        -------
        texts : list of str, or ndarray of shape (n_samples, ``max_length_ + 1``)
            Strings when fitted on texts; token ids (tokens, end token, then
            padding) when fitted on ids. A text has at most ``max_length_``
            tokens: one still going after that many is cut there.
        labels : ndarray of shape (n_samples,)
            The class of each text, from ``classes_``; only with
            ``return_labels=True``.

        Examples
        --------
        >>> from sklearn_textgan import TextGAN
        >>> texts = ["the cat sat .", "a dog ran ."] * 10 + ["buy now , save big !"] * 20
        >>> y = ["story"] * 20 + ["ad"] * 20
        >>> gan = TextGAN(embedding_dim=8, hidden_dim=16, pretrain_epochs=5, random_state=0)
        >>> gan = gan.fit(texts, y)
        >>> len(gan.sample(3, y="ad", random_state=0))
        3
        >>> len(gan.sample(2, y=["ad", "story"], random_state=0))
        2
        >>> texts, labels = gan.sample(4, random_state=0, return_labels=True)
        >>> sorted(set(labels) - {"ad", "story"})  # drawn with the training frequencies
        []
        """
        check_is_fitted(self, "generator_")
        if isinstance(n_samples, bool) or not isinstance(n_samples, Integral):
            raise TypeError(f"n_samples must be an int, got {type(n_samples).__name__}.")
        if n_samples < 1:
            raise ValueError(f"n_samples must be at least 1, got {n_samples}.")
        if isinstance(temperature, bool) or not isinstance(temperature, Real):
            raise TypeError(f"temperature must be a float, got {type(temperature).__name__}.")
        if not (np.isfinite(temperature) and temperature >= MIN_TEMPERATURE):
            raise ValueError(
                f"temperature must be a finite number of at least {MIN_TEMPERATURE:g} (lower "
                f"ones all draw the most likely token), got {temperature}."
            )
        if return_labels and not self._is_conditional():
            raise ValueError(
                "This TextGAN was fitted without labels, so its texts have no class: "
                "pass return_labels=False (or fit it with y)."
            )
        check_ids_fit_in_memory(
            n_samples,
            self.max_length_ + 1,
            what=f"sample({n_samples})",
            advice="ask for fewer texts at a time",
        )
        random = check_random_state(check_random_state_argument(random_state))
        seed = int(random.randint(0, _SEED_HIGH))
        bos_id = BOS_ID
        if self._is_conditional():
            if y is None:
                classes = random.choice(len(self.classes_), size=n_samples, p=self.class_prior_)
            else:
                classes = encode_labels(y, self.classes_, int(n_samples), allow_scalar=True)
            labels = torch.as_tensor(classes, device=self.device_)
            bos_id = class_begin_ids(self.generator_, labels)
        elif y is not None:
            raise ValueError(
                "This TextGAN was fitted without labels, so it cannot sample a class: "
                "pass y=None (or fit it with y)."
            )
        random_generator = torch.Generator(device=self.device_).manual_seed(seed)
        ids = sample_sequences(
            self.generator_,
            int(n_samples),
            max_steps=self.max_length_ + 1,
            bos_id=bos_id,
            eos_id=EOS_ID,
            pad_id=PAD_ID,
            temperature=float(temperature),
            random_generator=random_generator,
            device=self.device_,
            never_draw=(PAD_ID, BOS_ID),
        )
        # The last step may only end the text: one that has not ended after
        # max_length_ tokens is cut there, as training texts were.
        ids = end_unended(ids, eos_id=EOS_ID).cpu().numpy()
        texts = ids if self.tokenizer_ is None else self.tokenizer_.inverse_transform(ids)
        if return_labels:
            return texts, self.classes_[classes]
        return texts

    # ---------------------------------------------------------- persistence

    def save(self, path: str | os.PathLike) -> None:
        """Save the estimator to a file that loads without running code.

        The file is a zip archive of JSON (parameters, tokenizer vocabulary,
        architecture, history, library versions) and a tensor file read with
        ``torch.load(weights_only=True)``, so loading it from an untrusted
        source is safe, unlike a pickle. Tensors are saved from the CPU, so a
        model trained on a GPU loads on a machine without one. The write is
        atomic: ``path`` holds either its previous content or the complete new
        file, never half a model. An unfitted estimator saves its parameters.

        Parameters
        ----------
        path : str or path-like
            Destination file; replaced if it exists.

        Raises
        ------
        TypeError
            If a parameter or the fitted tokenizer has no safe format (a custom
            tokenizer class, say; use pickle or joblib for those), or ``path``
            is not a path.
        FileNotFoundError
            If the folder of ``path`` does not exist.
        IsADirectoryError
            If ``path`` is a folder.

        See Also
        --------
        load : Read the file back.

        Examples
        --------
        >>> import os, tempfile
        >>> from sklearn_textgan import TextGAN
        >>> gan = TextGAN(embedding_dim=4, hidden_dim=8, pretrain_epochs=1, random_state=0)
        >>> gan = gan.fit(["a cat sat.", "a dog ran."] * 4)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.textgan")
        >>> gan.save(path)
        >>> TextGAN.load(path).sample(2, random_state=0) == gan.sample(2, random_state=0)
        True
        """
        save_estimator(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike, device: str | torch.device | None = None) -> TextGAN:
        """Load an estimator written by :meth:`save`; no code from the file is run.

        Parameters
        ----------
        path : str or path-like
            A file written by :meth:`save`.
        device : str, torch.device or None, default=None
            Where to put the model (``"cpu"``, ``"cuda"``, ...), which also
            becomes its ``device`` parameter. ``None`` puts it where it was
            saved from when that device exists here, else on the CPU.

        Returns
        -------
        estimator : TextGAN
            The estimator, fitted if it was when saved.

        Raises
        ------
        ValueError
            If the file is truncated, corrupt, not a TextGAN file, written by
            a newer format version, or holds anything but tensors where the
            weights belong (nothing from such a file is executed).
        TypeError
            If ``path`` is not a path.

        Warns
        -----
        UserWarning
            If the file was written by another version of sklearn_textgan.

        Examples
        --------
        >>> import os, tempfile
        >>> from sklearn_textgan import TextGAN
        >>> path = os.path.join(tempfile.mkdtemp(), "params.textgan")
        >>> TextGAN(hidden_dim=8).save(path)
        >>> TextGAN.load(path).hidden_dim
        8
        """
        return load_estimator(cls, path, device=device)

    # Pickle support (GridSearchCV with n_jobs > 1, joblib.dump). Unpickling can
    # run arbitrary code: save/load is the format for files from elsewhere.
    def __getstate__(self):
        # A copy: the base class may hand back the live ``__dict__``.
        state = dict(super().__getstate__())
        if "generator_" in state:
            # Plain CPU tensors: the pickle loads on any machine, with or without CUDA.
            for key in ("generator_", "discriminator_"):
                if state.get(key) is not None:
                    state[key] = {k: v.detach().cpu() for k, v in state[key].state_dict().items()}
            state["device_"] = str(state["device_"])
        return state

    def __setstate__(self, state):
        if "generator_" in state and isinstance(state["generator_"], dict):
            device = loadable_device(state["device_"])
            architecture = state["_architecture_"]
            builders = {"generator_": build_generator, "discriminator_": build_discriminator}
            for key, build in builders.items():
                if state[key] is not None:
                    module = build(architecture[key[:-1]], **architecture["settings"])
                    module.load_state_dict(state[key])
                    state[key] = module.to(device).eval()
            state["device_"] = device
        # Parameters added since the object was pickled take their defaults.
        for name, default in PARAMETERS_ADDED_LATER.items():
            state.setdefault(name, default)
        super().__setstate__(state)


# The settings that decide the size of each module, named when it is too large.
_SIZE_SETTINGS = {
    "generator": ("vocab_size", "embedding_dim", "hidden_dim", "num_layers"),
    "discriminator": ("discriminator_embedding_dim", "num_representations", "num_filters"),
}


def _check_modules_fit_in_memory(modules: dict, settings: dict, device: torch.device) -> None:
    """Refuse, before building anything, modules whose training cannot fit on ``device``.

    ``modules`` maps "generator" or "discriminator" to (builder, name).
    """
    if not modules:
        return
    n_parameters = sum(
        count_parameters(build, name, **settings) for build, name in modules.values()
    )
    keys = dict.fromkeys(key for part in ("generator", *modules) for key in _SIZE_SETTINGS[part])
    sizes = ", ".join(f"{key}={settings[key]}" for key in keys if settings.get(key) is not None)
    what = " and ".join(f"the {name!r} {part}" for part, (_, name) in modules.items())
    check_parameters_fit_in_memory(
        n_parameters,
        device_memory_bytes(device),
        what=f"{what} ({sizes})",
        where="this machine" if device.type == "cpu" else str(device),
    )


def _effective_settings(settings: dict) -> dict:
    """Architecture settings with the discriminator's dropout spelled out (unset: ``dropout``)."""
    return {
        **settings,
        "discriminator_dropout": settings.get("discriminator_dropout", settings["dropout"]),
    }


def _fitted_attributes(estimator: TextGAN) -> dict:
    """The estimator's fitted state: its attributes whose names end in an underscore."""
    return {key: value for key, value in vars(estimator).items() if key.endswith("_")}


def _trained_state(fitted: dict) -> dict:
    """Copies of the fitted modules' weights and the history's length."""
    state = {
        name: {key: tensor.detach().clone() for key, tensor in module.state_dict().items()}
        for name in ("generator_", "discriminator_")
        if (module := fitted.get(name)) is not None
    }
    if "history_" in fitted:
        state["history_"] = len(fitted["history_"])
    return state


def _restore_fitted_attributes(
    estimator: TextGAN, fitted: dict, trained: dict | None = None
) -> None:
    """Put back what :func:`_fitted_attributes` (and :func:`_trained_state`) took."""
    for key in list(_fitted_attributes(estimator)):
        if key not in fitted:
            delattr(estimator, key)
    vars(estimator).update(fitted)
    for name, value in (trained or {}).items():
        if name == "history_":
            del fitted[name][value:]
        else:
            fitted[name].load_state_dict(value)
    # A warm start moves the fitted modules to the fit's device in place.
    device = fitted.get("device_")
    for name in ("generator_", "discriminator_"):
        module = fitted.get(name)
        if module is not None and device is not None:
            module.to(device)


def _check_filter_sizes(filter_sizes) -> None:
    """Every width must be a positive int: 2.5 or "2" would be silently turned into 2."""
    if not filter_sizes or not all(
        isinstance(size, Integral) and not isinstance(size, bool) and size >= 1
        for size in filter_sizes
    ):
        raise ValueError(
            f"filter_sizes must be a non-empty tuple of positive ints, got {filter_sizes!r}."
        )


def _tokenizer_settings(tokenizer) -> tuple:
    """A tokenizer's class and parameters, but ``max_length``, which fit may set on its copy."""
    params = tokenizer.get_params(deep=False)
    params.pop("max_length", None)
    return type(tokenizer), params


def _warn_if_mostly_unknown(ids: np.ndarray) -> None:
    """Warn when a warm start's texts are mostly words its fitted vocabulary lacks."""
    tokens = ids[(ids == UNK_ID) | (ids >= N_SPECIAL_TOKENS)]
    unknown = float(np.mean(tokens == UNK_ID)) if tokens.size else 0.0
    if unknown > 0.5:
        warnings.warn(
            f"{unknown:.0%} of the tokens of X are unknown to the fitted vocabulary, which "
            "warm_start=True keeps: the model would mostly learn the unknown token. Set "
            "warm_start=False to fit a vocabulary of these texts.",
            UserWarning,
            stacklevel=4,
        )


def _same_classes(a: np.ndarray, b: np.ndarray) -> bool:
    return len(a) == len(b) and bool(np.all(a == b))


def _check_ids(ids) -> np.ndarray:
    ids = np.asarray(ids)
    if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(
            f"Token ids must be a 2-D integer array, got shape {ids.shape} and dtype {ids.dtype}."
        )
    if ids.size and ids.min() < 0:
        raise ValueError(f"Token ids must be non-negative, found {int(ids.min())}.")
    if len(ids) == 0:
        raise ValueError("X is empty: at least one text is required.")
    if ids.shape[1] == 0:
        raise ValueError("Token ids have no columns: each row needs at least an end token.")
    # Checked before the cast: an unsigned id of 2**63 or more would wrap to a negative one.
    if ids.max() > np.iinfo(np.int64).max:
        raise ValueError(f"Token id {int(ids.max())} is too large for a 64-bit integer.")
    return ids.astype(np.int64, copy=False)
