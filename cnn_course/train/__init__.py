"""Training commands of the course: ``python -m cnn_course.train MODEL [options]``.

``MODEL`` is ``lenet5`` (:mod:`cnn_course.train.lenet5`) or ``alexnet``
(:mod:`cnn_course.train.alexnet`); ``python -m cnn_course.train MODEL --help`` lists each
command's options. Shared pieces (seeding, where shipped weights live, training histories
as JSON) are in :mod:`cnn_course.train.common`.
"""
