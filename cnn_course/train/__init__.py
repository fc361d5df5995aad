"""Training commands of the course: ``python -m cnn_course.train MODEL [options]``.

``MODEL`` is ``lenet5`` (:mod:`cnn_course.train.lenet5`) or ``alexnet``
(:mod:`cnn_course.train.alexnet`); ``python -m cnn_course.train MODEL --help`` lists each
command's options. What they share lives outside ``train``: seeding in :mod:`cnn_course.seeding`;
where shipped weights live and training histories as JSON in :mod:`cnn_course.shipped`.
"""
